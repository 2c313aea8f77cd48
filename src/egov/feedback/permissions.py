"""Who may do what with feedback reports (pure functions of the user and the report).

- **Read** (staff pages): staff whose read scope holds the responsible agency (its own staff,
  those above it, provincial administrators and the operations center).
- **Handle** (notes, public response, status): staff of the responsible agency (or above it)
  in a handling role, and the report's assignee.
- **Manage** (assign, transfer, moderate, mark duplicate): leaders of the responsible agency
  (or above it), clerks (who dispatch incoming documents) and provincial administrators.
- **Take calls** (hotline): any staff member.
- **Configure** categories: provincial administrators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from egov.organizations import permissions as org
from egov.organizations.models import StaffRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User
    from egov.feedback.models import Report

HANDLER_ROLES = (
    StaffRole.DESK_OFFICER,
    StaffRole.SPECIALIST,
    StaffRole.LEADER,
    StaffRole.CLERK,
)
MANAGER_ROLES = (StaffRole.LEADER, StaffRole.CLERK)
ASSIGNEE_ROLES = (StaffRole.SPECIALIST, StaffRole.LEADER, StaffRole.CLERK)


def may_read(user: User | AnonymousUser | None, report: Report) -> bool:
    return org.read_scope(user).contains(report.agency)


def may_handle(user: User | AnonymousUser | None, report: Report) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if report.assignee_id is not None and report.assignee_id == user.pk:
        return True
    return may_manage(user, report) or org.roles_scope(user, *HANDLER_ROLES).contains(report.agency)


def may_manage(user: User | AnonymousUser | None, report: Report) -> bool:
    if org.admin_scope(user).everything:
        return True
    return org.roles_scope(user, *MANAGER_ROLES).contains(report.agency)


def may_take_calls(user: User | AnonymousUser | None) -> bool:
    return org.is_staff_member(user)


def may_configure(user: User | AnonymousUser | None) -> bool:
    return org.admin_scope(user).everything
