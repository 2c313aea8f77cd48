"""Reads of citizen feedback.

Public reads (``public_*``, ``categories_*``) never show hidden reports, contact details,
texts before redaction, internal notes, or photos withdrawn by a moderator. Staff reads
(``staff_*``) are filtered by the reader's scope (``organizations.permissions``).

``public_reports_list`` is what the Open311 request list is built on: it must return 1,000
reports quickly with a million in the table. It reads only the columns it shows (no join;
category and agency names come from two small lookups), and the filters match the indexes
on ``(requested_at)``, ``(category, requested_at)`` and ``(status, requested_at)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Avg, Count, F, FloatField, Func, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from egov.core.errors import NotFound
from egov.feedback import permissions
from egov.feedback.models import (
    FMS_STATUS,
    OPEN311_STATUS,
    OPEN_STATUSES,
    Category,
    CategoryAttribute,
    Report,
    ReportPhoto,
    ReportStatus,
    ReportUpdate,
    statuses_for_open311,
)
from egov.organizations import permissions as org_permissions
from egov.organizations.models import AdministrativeUnit, Agency

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User


# --- categories ----------------------------------------------------------------------------


def categories_list(*, active_only: bool = True) -> list[Category]:
    """Categories in display order, with ``attributes`` prefetched and ``agency`` joined."""
    qs = Category.objects.select_related("agency").prefetch_related(
        Prefetch("attributes", queryset=CategoryAttribute.objects.order_by("order", "pk"))
    )
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs)


def category_get_by_code(service_code: str, *, active_only: bool = True) -> Category:
    """One category by its service code, with its attributes; NotFound when unknown."""
    qs = Category.objects.select_related("agency").prefetch_related(
        Prefetch("attributes", queryset=CategoryAttribute.objects.order_by("order", "pk"))
    )
    if active_only:
        qs = qs.filter(is_active=True)
    found = qs.filter(service_code=(service_code or "").strip()).first()
    if found is None:
        raise NotFound(_("There is no such category."))
    return found


# --- public reports ------------------------------------------------------------------------


def photo_path(photo_id: int) -> str:
    """The path (no host) where the public version of a photo is served."""
    return reverse("feedback:photo", args=[photo_id])


@dataclass(frozen=True)
class PublicReport:
    """What anyone may know of a report: the fields of an Open311 service request."""

    id: int
    public_id: str
    status: str  # egov's status
    status_notes: str
    category_id: int
    service_code: str
    service_name: str
    description: str
    agency_id: int
    agency_responsible: str
    requested_at: datetime
    updated_at: datetime
    expected_at: datetime
    address: str
    address_id: str
    lat: float | None
    long: float | None
    area_id: int | None
    # A path on this site (the first public photo), or a client's absolute URL, or "".
    media: str
    token: str

    @property
    def open311_status(self) -> str:
        return OPEN311_STATUS[self.status]

    @property
    def fms_status(self) -> str:
        return FMS_STATUS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def get_status_display(self) -> str:
        return str(ReportStatus(self.status).label)


_PUBLIC_COLUMNS = (
    "id",
    "public_id",
    "status",
    "status_notes",
    "category_id",
    "description",
    "agency_id",
    "requested_at",
    "updated_at",
    "expected_at",
    "address",
    "address_id",
    "lat",
    "long",
    "area_id",
    "cover_photo_id",
    "media_url",
    "token",
)


def _category_names() -> dict[int, tuple[str, str]]:
    english = (get_language() or "vi").startswith("en")
    return {
        pk: (code, (name_en if english and name_en else name))
        for pk, code, name, name_en in Category.objects.values_list(
            "pk", "service_code", "name", "name_en"
        )
    }


def _public_rows(rows: Iterable[tuple[Any, ...]]) -> list[PublicReport]:
    rows = list(rows)
    if not rows:
        return []
    categories = _category_names()
    agency_ids = {row[6] for row in rows}
    agencies = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name"))
    result = []
    for (
        pk,
        public_id,
        status,
        notes,
        category_id,
        description,
        agency_id,
        requested,
        updated,
        expected,
        address,
        address_id,
        lat,
        long,
        area_id,
        cover_id,
        media_url,
        token,
    ) in rows:
        code, name = categories.get(category_id, ("", ""))
        result.append(
            PublicReport(
                id=pk,
                public_id=public_id,
                status=status,
                status_notes=notes,
                category_id=category_id,
                service_code=code,
                service_name=name,
                description=description,
                agency_id=agency_id,
                agency_responsible=agencies.get(agency_id, ""),
                requested_at=requested,
                updated_at=updated,
                expected_at=expected,
                address=address,
                address_id=address_id,
                lat=lat,
                long=long,
                area_id=area_id,
                media=photo_path(cover_id) if cover_id else media_url,
                token=token,
            )
        )
    return result


def public_reports_query(
    *,
    ids: Sequence[str] | None = None,
    service_codes: Sequence[str] | None = None,
    category_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    status: str | Sequence[str] | None = None,
    area_id: int | None = None,
    agency_id: int | None = None,
) -> QuerySet[Report]:
    """The public reports matching the filters, newest first (not yet sliced or read).

    - ``ids``: public ids; when given, the other filters are ignored (Open311's rule).
    - ``service_codes``: category codes (an unknown code matches nothing).
    - ``start``/``end``: on ``requested_at``, inclusive; no default here (Open311's
      "last 90 days" default belongs to the Open311 layer).
    - ``status``: ``"open"``/``"closed"`` (Open311), or egov statuses (one or a list).
    - ``area_id``: the administrative unit or its direct children (a province's communes).
    """
    qs = Report.objects.filter(is_hidden=False)
    if ids is not None:
        return qs.filter(public_id__in=[i.strip() for i in ids if i.strip()]).order_by(
            "-requested_at", "-id"
        )
    if service_codes is not None:
        wanted = list(
            Category.objects.filter(service_code__in=list(service_codes)).values_list(
                "pk", flat=True
            )
        )
        qs = (
            qs.filter(category_id__in=wanted)
            if len(wanted) != 1
            else qs.filter(category_id=wanted[0])
        )
    if category_id is not None:
        qs = qs.filter(category_id=category_id)
    if start is not None:
        qs = qs.filter(requested_at__gte=start)
    if end is not None:
        qs = qs.filter(requested_at__lte=end)
    if status:
        if isinstance(status, str):
            statuses = statuses_for_open311(status) if status in ("open", "closed") else [status]
        else:
            statuses = list(status)
        qs = qs.filter(status__in=statuses)
    if area_id is not None:
        children = AdministrativeUnit.objects.filter(parent_id=area_id).values_list("pk", flat=True)
        qs = qs.filter(area_id__in=[area_id, *children])  # one indexed IN, no join
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    return qs.order_by("-requested_at", "-id")


def public_reports_list(
    *,
    ids: Sequence[str] | None = None,
    service_codes: Sequence[str] | None = None,
    category_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    status: str | Sequence[str] | None = None,
    area_id: int | None = None,
    agency_id: int | None = None,
    offset: int = 0,
    limit: int = 1000,
) -> list[PublicReport]:
    """Public reports, newest first, ``limit`` from ``offset`` (filters: ``public_reports_query``).

    Reads only the shown columns: two extra small queries name the categories and agencies.
    """
    qs = public_reports_query(
        ids=ids,
        service_codes=service_codes,
        category_id=category_id,
        start=start,
        end=end,
        status=status,
        area_id=area_id,
        agency_id=agency_id,
    )
    offset, limit = max(0, offset), max(0, limit)
    return _public_rows(qs.values_list(*_PUBLIC_COLUMNS)[offset : offset + limit])


def public_report_get(public_id: str) -> PublicReport:
    """One public report by its public id; NotFound when unknown or hidden."""
    rows = _public_rows(
        Report.objects.filter(public_id=(public_id or "").strip(), is_hidden=False).values_list(
            *_PUBLIC_COLUMNS
        )
    )
    if not rows:
        raise NotFound(_("This report does not exist."))
    return rows[0]


def public_report_id_for_token(token: str) -> str | None:
    """The public id of the report created with an Open311 ``token``, or None."""
    if not token or token.startswith(("zalo:", "web:")):  # the Zalo bridge's, the web form's
        return None
    return (
        Report.objects.filter(token=token, is_hidden=False)
        .values_list("public_id", flat=True)
        .first()
    )


@dataclass(frozen=True)
class PublicUpdate:
    """A public entry of a report's history (a FixMyStreet ``servicerequestupdate``)."""

    id: int
    public_id: str
    kind: str
    status: str
    at: datetime
    text: str
    to_agency: str

    @property
    def fms_status(self) -> str:
        return FMS_STATUS[self.status]

    @property
    def open311_status(self) -> str:
        return OPEN311_STATUS[self.status]

    def get_status_display(self) -> str:
        return str(ReportStatus(self.status).label)


def public_updates_list(
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    public_ids: Sequence[str] | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[PublicUpdate]:
    """Public updates of public reports, oldest first, from ``start`` (inclusive) to ``end``."""
    qs = ReportUpdate.objects.filter(is_public=True, report__is_hidden=False)
    if start is not None:
        qs = qs.filter(at__gte=start)
    if end is not None:
        qs = qs.filter(at__lte=end)
    if public_ids is not None:
        qs = qs.filter(report__public_id__in=list(public_ids))
    rows = qs.order_by("at", "pk").values_list(
        "pk", "report__public_id", "kind", "status", "at", "text", "to_agency__name"
    )[max(0, offset) : max(0, offset) + max(0, limit)]
    return [
        PublicUpdate(
            id=pk, public_id=rid, kind=kind, status=status, at=at, text=text, to_agency=agency or ""
        )
        for pk, rid, kind, status, at, text, agency in rows
    ]


@dataclass(frozen=True)
class PublicReportDetail:
    report: PublicReport
    updates: list[PublicUpdate]
    photos: list[int]  # ids of the photos the public may see
    duplicate_of: str  # the original's public id, or ""
    rating: int | None
    category: Category


def public_report_detail(public_id: str) -> PublicReportDetail:
    """A public report with its public history and photos (the report's public page)."""
    report = public_report_get(public_id)
    extra = (
        Report.objects.filter(pk=report.id).values_list("duplicate_of__public_id", "rating").first()
    ) or (None, None)
    photos = [
        p.pk
        for p in ReportPhoto.objects.filter(report_id=report.id).only(
            "pk", "is_public", "redacted_at", "file", "public_file"
        )
        if p.public_name
    ]
    return PublicReportDetail(
        report=report,
        updates=public_updates_list(public_ids=[report.public_id]),
        photos=photos,
        duplicate_of=extra[0] or "",
        rating=extra[1],
        category=Category.objects.get(pk=report.category_id),
    )


def public_photo_get(photo_id: int) -> tuple[str, str]:
    """``(storage name, content type)`` of the public version of a photo; NotFound if none."""
    photo = (
        ReportPhoto.objects.filter(pk=photo_id, report__is_hidden=False)
        .only("file", "public_file", "is_public", "redacted_at", "content_type")
        .first()
    )
    if photo is None or not photo.public_name:
        raise NotFound()
    name = photo.public_name
    content_type = "image/png" if name.endswith(".png") else "image/jpeg"
    return name, content_type


# --- duplicates ----------------------------------------------------------------------------

EARTH_RADIUS_M = 6_371_000


def distance_m(lat1: float, long1: float, lat2: float, long2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(long2 - long1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def duplicate_candidates(
    *,
    category_id: int,
    lat: float | None,
    long: float | None,
    at: datetime | None = None,
    exclude_id: int | None = None,
    limit: int = 5,
) -> list[tuple[PublicReport, int]]:
    """Open public reports of the same category, near (``EGOV_FEEDBACK_DUPLICATE_METERS``)
    and recent (``EGOV_FEEDBACK_DUPLICATE_DAYS`` before ``at``): ``(report, metres)``,
    nearest first. Nothing without a position."""
    if lat is None or long is None:
        return []
    at = at or timezone.now()
    radius = int(getattr(settings, "EGOV_FEEDBACK_DUPLICATE_METERS", 200))
    days = int(getattr(settings, "EGOV_FEEDBACK_DUPLICATE_DAYS", 30))
    dlat = radius / 111_320
    dlong = radius / (111_320 * max(0.01, math.cos(math.radians(lat))))
    qs = Report.objects.filter(
        is_hidden=False,
        category_id=category_id,
        requested_at__gte=at - timedelta(days=days),
        requested_at__lte=at,
        status__in=list(OPEN_STATUSES),
        lat__range=(lat - dlat, lat + dlat),
        long__range=(long - dlong, long + dlong),
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    found = []
    for report in _public_rows(qs.values_list(*_PUBLIC_COLUMNS)[:200]):
        assert report.lat is not None and report.long is not None
        metres = distance_m(lat, long, report.lat, report.long)
        if metres <= radius:
            found.append((report, round(metres)))
    found.sort(key=lambda pair: pair[1])
    return found[:limit]


# --- staff ---------------------------------------------------------------------------------


def staff_reports(
    user: User | AnonymousUser | None,
    *,
    status: str | None = None,
    category_id: int | None = None,
    agency_id: int | None = None,
    assigned_to_me: bool = False,
    overdue: bool = False,
    hidden: bool | None = None,
    q: str = "",
    now: datetime | None = None,
) -> QuerySet[Report]:
    """The reports ``user`` may read (their agencies' subtrees, and those assigned to them),
    newest first, with the inbox filters."""
    scope = org_permissions.read_scope(user)
    qs = Report.objects.all()
    if not scope.everything:  # (Q() | Q(x) would be Q(x): "everything" must not be OR-ed)
        visible = scope.q("agency__")
        if user is not None and user.is_authenticated:
            visible |= Q(assignee_id=user.pk)
        qs = qs.filter(visible)
    qs = qs.select_related("category", "agency", "assignee")
    if status == "open":
        qs = qs.filter(status__in=list(OPEN_STATUSES))
    elif status:
        qs = qs.filter(status=status)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if assigned_to_me and user is not None:
        qs = qs.filter(assignee_id=user.pk)
    if overdue:
        qs = qs.filter(status__in=list(OPEN_STATUSES), expected_at__lt=now or timezone.now())
    if hidden is not None:
        qs = qs.filter(is_hidden=hidden)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(public_id__iexact=q) | Q(description__icontains=q) | Q(address__icontains=q)
        )
    return qs.order_by("-requested_at", "-id")


def staff_report_get(user: User | AnonymousUser | None, report_id: int) -> Report:
    """A report as staff see it (everything, contact included); NotFound outside their scope."""
    report = (
        Report.objects.select_related(
            "category", "agency", "assignee", "area", "duplicate_of", "entered_by", "reporter"
        )
        .filter(pk=report_id)
        .first()
    )
    if report is None or not (
        permissions.may_read(user, report)
        or (user is not None and report.assignee_id is not None and report.assignee_id == user.pk)
    ):
        raise NotFound(_("This report does not exist."))
    return report


def staff_report_history(report: Report) -> list[ReportUpdate]:
    """Every entry of the report's history, public and internal, oldest first."""
    return list(report.updates.select_related("actor", "from_agency", "to_agency"))


def staff_report_photos(report: Report) -> list[ReportPhoto]:
    return list(report.photos.all())


def staff_photo_get(user: User | AnonymousUser | None, photo_id: int) -> tuple[str, str]:
    """``(storage name, content type)`` of a photo's original, for staff who may read it."""
    photo = ReportPhoto.objects.filter(pk=photo_id).select_related("report__agency").first()
    if photo is None:
        raise NotFound()
    staff_report_get(user, photo.report_id)
    return photo.file.name, photo.content_type


def assignee_choices(report: Report) -> list[Any]:
    """Staff who may be assigned ``report``: specialists, leaders and clerks of its agency
    and of the agencies above it (whose scope covers it)."""
    from egov.accounts.models import User as UserModel
    from egov.organizations.models import StaffAssignment

    ancestors = [int(p) for p in report.agency.path.strip("/").split("/") if p]
    user_ids = StaffAssignment.objects.filter(
        agency_id__in=ancestors, role__in=permissions.ASSIGNEE_ROLES
    ).values_list("user_id", flat=True)
    return list(UserModel.objects.filter(pk__in=user_ids, is_active=True).order_by("full_name"))


# --- figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyFigures:
    agency_id: int
    agency: str
    received: int
    answered: int
    answered_on_time: int
    open: int
    overdue: int
    average_rating: float | None
    ratings: int

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.answered_on_time / self.answered) if self.answered else None


def agency_figures(
    *, start: datetime | None = None, end: datetime | None = None, now: datetime | None = None
) -> list[AgencyFigures]:
    """Per responsible agency, for public reports received between ``start`` and ``end``:
    received, answered (a public response was given), answered on time (by ``expected_at``),
    still open, open past their due time, and the average rating (1–5)."""
    now = now or timezone.now()
    qs = Report.objects.filter(is_hidden=False)
    if start is not None:
        qs = qs.filter(requested_at__gte=start)
    if end is not None:
        qs = qs.filter(requested_at__lte=end)
    rows = (
        qs.values("agency_id", "agency__name")
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=Q(responded_at__isnull=False)),
            on_time=Count("id", filter=Q(responded_at__lte=F("expected_at"))),
            open=Count("id", filter=Q(status__in=list(OPEN_STATUSES))),
            overdue=Count("id", filter=Q(status__in=list(OPEN_STATUSES), expected_at__lt=now)),
            avg=Avg("rating"),
            ratings=Count("rating"),
        )
        .order_by("agency__name")
    )
    return [
        AgencyFigures(
            agency_id=r["agency_id"],
            agency=r["agency__name"],
            received=r["received"],
            answered=r["answered"],
            answered_on_time=r["on_time"],
            open=r["open"],
            overdue=r["overdue"],
            average_rating=round(float(r["avg"]), 2) if r["avg"] is not None else None,
            ratings=r["ratings"],
        )
        for r in rows
    ]


def areas_with_reports() -> list[AdministrativeUnit]:
    """The areas a reader may filter and follow: the province(s) and their communes, in the
    order of the administrative levels. (Not "the areas that have reports": finding those
    would scan the reports table on every page view.)"""
    return list(AdministrativeUnit.objects.select_related("level").order_by("level__rank", "name"))


# --- plain values for machine readers (the Open311 server's lists) -------------------------


class _Epoch(Func):
    """A datetime column as seconds since 1970 (a number).

    The driver's time-zone-aware loader costs several microseconds per timestamp (about
    20 ms for the three datetimes of 1,000 reports on PostgreSQL); a number costs almost
    nothing, and the caller formats it in the time zone it wants.
    """

    output_field = FloatField()
    # SQLite; '%%%%s' reaches SQLite as '%s' (Func formatting, then the backend's % escaping).
    template = "CAST(strftime('%%%%s', %(expressions)s) AS REAL)"

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM %(expressions)s)::double precision",
            **extra,
        )


PUBLIC_VALUE_COLUMNS = (
    "public_id",
    "status",
    "status_notes",
    "category_id",
    "description",
    "agency_id",
    "requested_epoch",
    "updated_epoch",
    "expected_epoch",
    "address",
    "address_id",
    "lat",
    "long",
    "cover_photo_id",
    "media_url",
)


def public_report_values(
    *,
    ids: Sequence[str] | None = None,
    service_codes: Sequence[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    status: str | Sequence[str] | None = None,
    offset: int = 0,
    limit: int = 1000,
) -> list[tuple[Any, ...]]:
    """The reports of ``public_reports_list`` (same filters, same order) as plain tuples of
    ``PUBLIC_VALUE_COLUMNS``, datetimes as seconds since 1970: the fast path for lists of a
    thousand (Open311). ``category_values`` and ``agency_names`` name the ids."""
    qs = public_reports_query(
        ids=ids, service_codes=service_codes, start=start, end=end, status=status
    ).annotate(
        requested_epoch=_Epoch("requested_at"),
        updated_epoch=_Epoch("updated_at"),
        expected_epoch=_Epoch("expected_at"),
    )
    offset, limit = max(0, offset), max(0, limit)
    return list(qs.values_list(*PUBLIC_VALUE_COLUMNS)[offset : offset + limit])


def category_values() -> list[dict[str, Any]]:
    """Every category, active or not (old reports keep theirs), as plain values with its
    agency's name, in one query."""
    return [
        dict(row)
        for row in Category.objects.values(
            "id",
            "service_code",
            "name",
            "name_en",
            "response_days",
            "updated_at",
            agency_name=F("agency__name"),
        )
    ]


def agency_names(agency_ids: Iterable[int]) -> dict[int, str]:
    ids = set(agency_ids)
    return dict(Agency.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def reporter_reports(user: User | AnonymousUser | None) -> list[PublicReport]:
    """The reports ``user`` sent while signed in (hidden ones included: they are theirs),
    newest first."""
    if user is None or not user.is_authenticated:
        return []
    return _public_rows(
        Report.objects.filter(reporter_id=user.pk)
        .order_by("-requested_at", "-id")
        .values_list(*_PUBLIC_COLUMNS)[:200]
    )
