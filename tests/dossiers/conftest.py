from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from egov.accounts.models import User
from egov.organizations.models import Agency, StaffRole
from egov.procedures.exchange import read_json
from egov.procedures.models import Procedure
from egov.procedures.services import catalog_import
from tests import factories
from tests.procedures.conftest import document, procedure


@dataclass
class Desk:
    center: Agency
    department: Agency
    unit: Agency
    permit: Procedure
    desk: User
    specialist: User
    unit_specialist: User
    leader: User
    citizen: User
    outsider: User


@pytest.fixture
def desk(world) -> Desk:
    """A service center receiving a department's construction permit (3 steps, 15 days)."""
    center = factories.agency("Trung tâm Phục vụ hành chính công", type_code="service_center")
    steps = [
        {"name": "Tiếp nhận", "role": "desk_officer", "duration": 0.5},
        {"name": "Thẩm định", "role": "specialist", "duration": 12},
        {"name": "Phê duyệt", "role": "leader", "duration": 2.5},
    ]
    doc = document(
        procedure(
            "1.009994", "Cấp giấy phép xây dựng", sector="XD", level="province",
            implementing_agency_type="department", implementing_agency=world.a.code,
            receiving_agency=center.code, processing_time=15, steps=steps, components=[],
        )
    )  # fmt: skip
    catalog_import(actor=None, source=read_json(json.dumps(doc).encode()), check_permission=False)
    return Desk(
        center=center,
        department=world.a,
        unit=world.a_unit,
        permit=Procedure.objects.get(code="1.009994"),
        desk=factories.staff(center, StaffRole.DESK_OFFICER),
        specialist=world.specialist_a,
        unit_specialist=world.unit_specialist,
        leader=world.leader_a,
        citizen=world.citizen,
        outsider=world.leader_b,
    )
