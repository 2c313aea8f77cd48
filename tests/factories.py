"""Build test data through the real services, as pages and the API do."""

from __future__ import annotations

import itertools

from egov.accounts.models import User, UserKind
from egov.organizations.defaults import ensure_defaults
from egov.organizations.models import Agency, AgencyType
from egov.organizations.services import agency_create, staff_role_assign

PASSWORD = "a-Long-test-passw0rd"
_counter = itertools.count(1)


def agency(name: str, *, type_code: str = "department", parent: Agency | None = None) -> Agency:
    ensure_defaults()  # transactional tests flush what the data migration created
    n = next(_counter)
    return agency_create(
        actor=None,
        code=f"{n % 1000:03d}.{n // 1000 % 100:02d}.00.H99",  # stays a valid code past 999
        name=name,
        type=AgencyType.objects.get(code=type_code),
        parent=parent,
        check_permission=False,
    )


def user(
    *,
    email: str | None = None,
    full_name: str = "Test User",
    kind: str = UserKind.CITIZEN,
    **extra: object,
) -> User:
    n = next(_counter)
    return User.objects.create_user(
        email=email or f"user{n}@example.com",
        password=PASSWORD,
        full_name=full_name,
        kind=kind,
        **extra,
    )


def staff(agency: Agency, role: str, *, email: str | None = None) -> User:
    member = user(email=email, full_name=f"Staff {role}", kind=UserKind.STAFF)
    staff_role_assign(actor=None, user=member, agency=agency, role=role, check_permission=False)
    return member
