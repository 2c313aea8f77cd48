"""Reads of organizations, always through the reader's scope."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import caches
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from vietnam_provinces import Province

from egov.core.errors import NotFound, PermissionDenied
from egov.core.models import AuditRecord
from egov.core.text import fold
from egov.organizations import permissions
from egov.organizations.models import AdministrativeUnit, Agency, StaffAssignment

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User


SITE_CACHE_KEY = "egov:site"


class UnknownProvince(NotFound):
    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.suggestions = suggestions
        message = _("There is no province named '%(query)s'.") % {"query": query}
        if suggestions:
            message += " " + _("Did you mean: %(names)s?") % {"names": ", ".join(suggestions)}
        super().__init__(message, code="unknown_province")


def _province_keys(province: Province) -> set[str]:
    name = fold(province.name)
    short = name.removeprefix("thanh pho ").removeprefix("tinh ")
    return {name, short, province.codename.replace("_", " "), str(int(province.code))}


def province_find(query: str) -> Province:
    """One of the 34 provinces, by name (with or without diacritics), codename or code."""
    key = fold(query).replace("_", " ").replace("-", " ")
    provinces = list(Province.iter_all())
    for province in provinces:
        if key in _province_keys(province) or key.lstrip("0") == str(int(province.code)):
            return province
    names = {
        fold(p.name).removeprefix("thanh pho ").removeprefix("tinh "): p.name for p in provinces
    }
    close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.5)
    if not close:
        close = [k for k in names if key and (key in k or k in key)][:3]
    raise UnknownProvince(query, [names[k] for k in close])


def province_names() -> list[str]:
    return sorted(p.name for p in Province.iter_all())


@dataclass(frozen=True)
class SiteInfo:
    name: str
    province_name: str
    province_code: str


def site_get() -> SiteInfo:
    """The site's name, from configuration or from the province this installation serves."""
    info = caches["local"].get(SITE_CACHE_KEY)
    if info is None:
        province = (
            AdministrativeUnit.objects.filter(parent__isnull=True, level__code="province")
            .order_by("code")
            .first()
        )
        info = SiteInfo(
            name=settings.EGOV_SITE_NAME,
            province_name=province.name if province else "",
            province_code=province.code if province else "",
        )
        caches["local"].set(SITE_CACHE_KEY, info, 300)
    return info


def agencies_visible(
    *, user: User | AnonymousUser | None, query: str = "", parent_id: int | None = None
) -> QuerySet[Agency]:
    qs = (
        Agency.objects.filter(permissions.read_scope(user).q(), is_active=True)
        .select_related("type", "parent", "administrative_unit")
        .order_by("path")
    )
    for word in fold(query).split():
        qs = qs.filter(search_text__contains=word)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    return qs


def agency_get(*, user: User | AnonymousUser | None, agency_id: int) -> Agency:
    """The agency, if ``user`` may read it; otherwise NotFound, so that nothing leaks."""
    agency = (
        Agency.objects.select_related("type", "parent", "administrative_unit")
        .filter(pk=agency_id)
        .first()
    )
    if agency is None or not permissions.read_scope(user).contains(agency):
        raise NotFound(_("Agency not found."))
    return agency


def agency_staff(*, user: User | AnonymousUser | None, agency: Agency) -> QuerySet[StaffAssignment]:
    if not permissions.read_scope(user).contains(agency):
        raise NotFound(_("Agency not found."))
    return (
        StaffAssignment.objects.filter(agency=agency, user__is_active=True)
        .select_related("user")
        .order_by("role", "user__full_name")
    )


def agency_audit_records(
    *, user: User | AnonymousUser | None, agency: Agency, limit: int = 50
) -> list[AuditRecord]:
    """Recent audit records about an agency: for its leaders and provincial administrators."""
    if not permissions.read_scope(user).contains(agency):
        raise NotFound(_("Agency not found."))
    if not permissions.change_scope(user).contains(agency):
        raise PermissionDenied(_("Only leaders and administrators may read the audit log."))
    return list(
        AuditRecord.objects.filter(agency_id=agency.pk)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


def user_agencies(*, user: User | AnonymousUser | None) -> QuerySet[StaffAssignment]:
    if user is None or not user.is_authenticated:
        return StaffAssignment.objects.none()
    return StaffAssignment.objects.filter(user=user).select_related("agency", "agency__type")


def divisions_list(*, parent_code: str | None = None) -> QuerySet[AdministrativeUnit]:
    qs = AdministrativeUnit.objects.select_related("level", "parent")
    if parent_code:
        return qs.filter(parent__code=parent_code).order_by("name")
    return qs.filter(parent__isnull=True).order_by("name")


# --- Searchable lists (the typeahead of agency and commune fields) ---------------------------

SEARCH_LIMIT = 20
_CANDIDATES = 300  # read, then ranked in Python: whole words first


def _starts_a_word(field: str, word: str, separators: str = " ") -> Q:
    """``field`` (folded text) has a word starting with ``word``: typing 'phu' finds 'Phú
    Vang', not 'Thạch Phụng Hòa' in the middle of a word."""
    q = Q(**{f"{field}__startswith": word})
    for sep in separators:
        q |= Q(**{f"{field}__contains": sep + word})
    return q


def _ranked(rows: list[Any], text: Callable[[Any], str], words: list[str], limit: int) -> list[Any]:
    """``rows`` with those matching more query words whole first, then by name."""

    def key(row: Any) -> tuple[int, str]:
        tokens = set(text(row).replace(".", " ").split())
        return (-sum(word in tokens for word in words), fold(row.name))

    return sorted(rows, key=key)[:limit]


def agencies_search(
    *, user: User | AnonymousUser | None, query: str = "", type_code: str = "", limit: int = 20
) -> list[Agency]:
    """Active agencies with a word of their name, short name or identifier code (or a part of
    the code after a dot) starting with each word of ``query``, diacritics and case aside;
    whole-word matches first, then by name; at most ``limit``.

    Staff see every agency, as the hand-over list does (a dossier may go to any agency of
    the province); anyone else the agencies the public deals with, not the units inside
    them. ``type_code`` keeps one type (the commune's People's Committee, for a submission).
    """
    qs = Agency.objects.filter(is_active=True).select_related("type")
    if not permissions.is_staff_member(user):
        qs = qs.filter(type__is_internal_unit=False)
    if type_code:
        qs = qs.filter(type__code=type_code)
    words = fold(query).split()[:8]
    for word in words:
        qs = qs.filter(_starts_a_word("search_text", word, " ."))
    rows = list(qs.order_by("name", "pk")[:_CANDIDATES])
    return _ranked(rows, lambda a: a.search_text, words, max(1, min(limit, 50)))


def communes_search(*, query: str = "", limit: int = 20) -> list[AdministrativeUnit]:
    """Communes and wards (administrative units under the province) with a word of their
    name starting with each word of ``query`` (without diacritics), or whose official code is
    ``query``; whole-word matches first. Public data, as on the feedback form."""
    qs = AdministrativeUnit.objects.filter(parent__isnull=False)
    words = fold(query).split()[:8]
    if len(words) == 1 and words[0].isdigit():
        qs = qs.filter(code=str(int(words[0])))  # stored without leading zeros
    else:
        for word in words:
            qs = qs.filter(_starts_a_word("search_name", word))
    rows = list(qs.order_by("name", "pk")[:_CANDIDATES])
    return _ranked(rows, lambda u: u.search_name, words, max(1, min(limit, 50)))
