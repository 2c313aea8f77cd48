from __future__ import annotations

import pytest

from egov.core.errors import PermissionDenied, ValidationFailed
from egov.organizations.models import Agency, AgencyType, StaffRole
from egov.organizations.services import agency_create, staff_role_assign, staff_role_remove
from tests import factories


def test_only_province_admin_assigns_roles(world):
    newcomer = factories.user(email="new@example.com")
    with pytest.raises(PermissionDenied):
        staff_role_assign(
            actor=world.leader_a, user=newcomer, agency=world.a, role=StaffRole.SPECIALIST
        )
    assignment = staff_role_assign(
        actor=world.admin, user=newcomer, agency=world.a, role=StaffRole.SPECIALIST
    )
    newcomer.refresh_from_db()
    assert newcomer.is_staff
    with pytest.raises(ValidationFailed):
        staff_role_assign(
            actor=world.admin, user=newcomer, agency=world.a, role=StaffRole.SPECIALIST
        )
    with pytest.raises(ValidationFailed):
        staff_role_assign(actor=world.admin, user=newcomer, agency=world.a, role="emperor")
    staff_role_remove(actor=world.admin, assignment=assignment)
    assert not newcomer.assignments.exists()


def test_agency_code_is_checked(world):
    department = AgencyType.objects.get(code="department")
    with pytest.raises(ValidationFailed) as exc:
        agency_create(actor=world.admin, code="H40", name="Sở X", type=department)
    assert "code" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        agency_create(actor=world.admin, code=world.a.code, name="Sở X", type=department)
    assert "code" in exc.value.fields
    with pytest.raises(PermissionDenied):
        agency_create(actor=world.leader_a, code="000.00.77.H40", name="Sở X", type=department)
    created = agency_create(
        actor=world.admin, code="000.00.77.h40", name="Sở X", type=department, parent=world.a
    )
    assert created.code == "000.00.77.H40"
    assert created.path == f"{world.a.path}{created.pk}/" and created.depth == world.a.depth + 1


def test_agency_code_pattern_is_configuration(world, settings):
    settings.EGOV_AGENCY_CODE_PATTERN = r"^[A-Z]{2}\d{3}$"
    department = AgencyType.objects.get(code="department")
    agency = agency_create(actor=world.admin, code="AB123", name="Old style", type=department)
    assert Agency.objects.get(pk=agency.pk).code == "AB123"
