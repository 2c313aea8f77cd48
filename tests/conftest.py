from __future__ import annotations

from dataclasses import dataclass

import pytest

from egov.accounts.models import User
from egov.organizations.models import Agency, StaffRole
from tests import factories


@dataclass
class World:
    """Two departments A and B (A with an internal unit) and staff in each role."""

    a: Agency
    a_unit: Agency
    b: Agency
    leader_a: User
    specialist_a: User
    unit_specialist: User
    leader_b: User
    admin: User
    ioc: User
    citizen: User


@pytest.fixture
def world(db: None) -> World:
    province_pc = factories.agency("UBND tỉnh Thử", type_code="provincial_pc")
    a = factories.agency("Sở A", parent=province_pc)
    a_unit = factories.agency("Phòng A1", type_code="internal_unit", parent=a)
    b = factories.agency("Sở B", parent=province_pc)
    return World(
        a=a,
        a_unit=a_unit,
        b=b,
        leader_a=factories.staff(a, StaffRole.LEADER),
        specialist_a=factories.staff(a, StaffRole.SPECIALIST),
        unit_specialist=factories.staff(a_unit, StaffRole.SPECIALIST),
        leader_b=factories.staff(b, StaffRole.LEADER),
        admin=factories.staff(province_pc, StaffRole.PROVINCE_ADMIN),
        ioc=factories.staff(province_pc, StaffRole.IOC_VIEWER),
        citizen=factories.user(full_name="Công Dân"),
    )
