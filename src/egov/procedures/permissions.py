"""Who may edit the catalog: provincial administrators everywhere; leaders of a department for
the procedures that department implements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from egov.organizations import permissions as org_permissions
from egov.organizations.models import Agency

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User


def can_edit_procedures_of(user: User | AnonymousUser | None, agency: Agency | None) -> bool:
    if org_permissions.admin_scope(user).everything:
        return True
    return agency is not None and org_permissions.change_scope(user).contains(agency)
