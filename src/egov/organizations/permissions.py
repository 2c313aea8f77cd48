"""Who may read and change what in organizations.

The rules, in one place so that pages, the API and the CLI agree:
- A superuser or a provincial administrator acts on every agency.
- An operations-center viewer reads every agency, and changes none.
- Any other staff member reads the agencies they hold a role in, with their subtrees.
- A leader changes the details of the agencies they lead, with their subtrees.
- Only a provincial administrator assigns and removes staff roles.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from egov.core.db import CompiledQuery
from egov.organizations.models import Agency, StaffAssignment, StaffRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User

WIDE_READ_ROLES = {StaffRole.PROVINCE_ADMIN, StaffRole.IOC_VIEWER}


@dataclass(frozen=True)
class Scope:
    """The agencies a user reaches: every agency, or the subtrees under ``paths``."""

    everything: bool
    paths: tuple[str, ...]

    def q(self, prefix: str = "") -> Q:
        """A filter for agencies (``prefix`` is the lookup path to the agency, e.g. 'agency__')."""
        if self.everything:
            return Q()
        if not self.paths:
            return Q(pk__in=[])
        q = Q()
        for path in self.paths:
            q |= Q(**{f"{prefix}path__startswith": path})
        return q

    def contains(self, agency: Agency) -> bool:
        return self.everything or any(agency.path.startswith(p) for p in self.paths)


NOTHING = Scope(everything=False, paths=())


# Every permission check starts here: compiled once per thread (core.db.CompiledQuery).
_ASSIGNMENTS = CompiledQuery(
    lambda user_id: StaffAssignment.objects.filter(
        user_id=user_id, agency__is_active=True
    ).values_list("role", "agency__path"),
    -(2**62) + 11,
)


def _assignments(user: Any) -> list[tuple[str, str]]:
    """``(role, agency path)`` for each role the user holds; cached on the user object."""
    cached = getattr(user, "_egov_assignments", None)
    if cached is None:
        cached = _ASSIGNMENTS.rows(user.pk)
        user._egov_assignments = cached
    return cached


def _scope(
    user: User | AnonymousUser | None, roles: Collection[str] | None, wide: Collection[str]
) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Scope(everything=True, paths=())
    assignments = _assignments(user)
    if any(role in wide for role, _ in assignments):
        return Scope(everything=True, paths=())
    paths = sorted({path for role, path in assignments if roles is None or role in roles})
    return Scope(everything=False, paths=tuple(paths))


def read_scope(user: User | AnonymousUser | None) -> Scope:
    return _scope(user, None, WIDE_READ_ROLES)


def change_scope(user: User | AnonymousUser | None) -> Scope:
    return _scope(user, {StaffRole.LEADER}, {StaffRole.PROVINCE_ADMIN})


def admin_scope(user: User | AnonymousUser | None) -> Scope:
    return _scope(user, set(), {StaffRole.PROVINCE_ADMIN})


def require_province_admin(user: User | AnonymousUser | None) -> None:
    """Raise PermissionDenied unless ``user`` is a provincial administrator (or superuser)."""
    from django.utils.translation import gettext as _

    from egov.core.errors import PermissionDenied

    if not admin_scope(user).everything:
        raise PermissionDenied(_("Only a provincial administrator may do this."))


def is_staff_member(user: User | AnonymousUser | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or _assignments(user))


def has_role(user: User | AnonymousUser | None, *roles: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return any(role in roles for role, _ in _assignments(user))


def forget_cached_roles(user: Any) -> None:
    if hasattr(user, "_egov_assignments"):
        del user._egov_assignments


def roles_scope(user: User | AnonymousUser | None, *roles: str) -> Scope:
    """The agencies where ``user`` holds one of ``roles`` (with their subtrees). No role is
    wide here: a provincial administrator does not process dossiers by virtue of the role."""
    return _scope(user, set(roles), set())
