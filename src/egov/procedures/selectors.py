"""Reads of the procedure catalog (public: only published procedures)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from egov.core.errors import NotFound, ValidationFailed
from egov.organizations.models import AdministrativeLevel, Agency, AgencyType
from egov.procedures.models import OnlineType, Procedure, ProcedureComponent, Sector
from egov.procedures.search import Filters, search_ids

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class SearchResult:
    items: list[Procedure]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def filters_from(
    *,
    sector: str = "",
    level: str = "",
    online_type: str = "",
    agency: str = "",
    agency_type: str = "",
) -> Filters:
    """Filters from the codes a citizen or API client gives; unknown codes are errors."""
    errors: dict[str, list[str]] = {}

    def lookup(model: type, code: str, name: str) -> int | None:
        if not code:
            return None
        pk = model.objects.filter(code=code).values_list("pk", flat=True).first()  # type: ignore[attr-defined]
        if pk is None:
            errors[name] = [_("Unknown code '%(code)s'.") % {"code": code}]
        return pk

    filters = Filters(
        sector_id=lookup(Sector, sector, "sector"),
        level_id=lookup(AdministrativeLevel, level, "level"),
        agency_id=lookup(Agency, agency, "agency"),
        agency_type_id=lookup(AgencyType, agency_type, "agency_type"),
        online_type=online_type or None,
    )
    if online_type and online_type not in OnlineType.values:
        errors["online_type"] = [_("The online type is full, partial or info.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return filters


def procedure_search(
    *, query: str = "", filters: Filters | None = None, page: int = 1, page_size: int = 20
) -> SearchResult:
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationFailed(
            fields={
                "page": [_("Pages start at 1 and hold at most %(n)s items.") % {"n": MAX_PAGE_SIZE}]
            }
        )
    if len(query) > 200:
        raise ValidationFailed(
            fields={"q": [_("The search text is too long (200 characters at most).")]}
        )
    ids, total = search_ids(
        query, filters or Filters(), limit=page_size, offset=(page - 1) * page_size
    )
    by_id = Procedure.objects.select_related(
        "sector", "level", "implementing_agency", "implementing_agency_type"
    ).in_bulk(ids)
    return SearchResult([by_id[i] for i in ids if i in by_id], total, page, page_size)


def procedure_get(*, code: str) -> Procedure:
    procedure = (
        Procedure.objects.filter(code=code, is_published=True)
        .select_related(
            "sector", "level", "implementing_agency", "implementing_agency_type", "receiving_agency"
        )
        .prefetch_related("fees", "steps", "components")
        .first()
    )
    if procedure is None:
        raise NotFound(_("There is no procedure with the code %(code)s.") % {"code": code})
    return procedure


def component_form_get(*, code: str, component_id: int) -> ProcedureComponent:
    component = (
        ProcedureComponent.objects.filter(
            pk=component_id, procedure__code=code, procedure__is_published=True
        )
        .exclude(form="")
        .first()
    )
    if component is None:
        raise NotFound(_("This form does not exist."))
    return component


def sectors_with_counts() -> QuerySet[Sector]:
    return Sector.objects.annotate(
        procedure_count=Count("procedures", filter=Q(procedures__is_published=True))
    ).filter(procedure_count__gt=0)


def implementing_agencies() -> QuerySet[Agency]:
    """Agencies that implement at least one published procedure, for the portal's filter."""
    return (
        Agency.objects.filter(implemented_procedures__is_published=True).distinct().order_by("name")
    )


def catalog_for_export() -> tuple[QuerySet[Sector], QuerySet[Procedure]]:
    procedures = (
        Procedure.objects.select_related(
            "sector", "level", "implementing_agency_type", "implementing_agency", "receiving_agency"
        )
        .prefetch_related("fees", "components", "steps")
        .order_by("code")
    )
    return Sector.objects.order_by("order", "code"), procedures


def procedures_editable_by(*, user: object) -> QuerySet[Procedure]:
    """The procedures ``user`` may edit: all for administrators, those of their agencies for
    leaders, none for anyone else."""
    from egov.organizations import permissions as org_permissions

    qs = Procedure.objects.select_related("sector", "level", "implementing_agency").order_by("code")
    if org_permissions.admin_scope(user).everything:  # type: ignore[arg-type]
        return qs
    scope = org_permissions.change_scope(user)  # type: ignore[arg-type]
    if not scope.paths:
        return qs.none()
    return qs.filter(scope.q("implementing_agency__"))


def procedure_for_edit(*, user: object, code: str) -> Procedure:
    """A procedure (published or not) that ``user`` may edit; NotFound otherwise."""
    procedure = procedures_editable_by(user=user).filter(code=code).first()
    if procedure is None:
        raise NotFound(
            _("There is no procedure with the code %(code)s that you may edit.") % {"code": code}
        )
    return procedure
