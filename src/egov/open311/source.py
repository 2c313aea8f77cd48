"""The bridge to the feedback app: Open311's resources made from feedback's public selectors
and its services, and nothing else of feedback.

Request lists are the hot path (1,000 requests per call at a million reports): feedback's
``public_reports_list`` reads only the shown columns as tuples and names categories and
agencies with two small queries (no join, no query per row); this module turns its rows into
the spec's fields in one loop.
"""

from __future__ import annotations

from datetime import datetime
from time import gmtime, strftime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import get_language, ngettext

from egov.core.errors import NotFound
from egov.feedback import selectors as feedback
from egov.feedback import services as feedback_services
from egov.feedback.models import OPEN311_STATUS
from egov.feedback.photos import PhotoUpload, max_photo_bytes
from egov.open311.models import ApiClient
from egov.open311.params import RequestQuery


def _notice(agency: str, days: int) -> str:
    return ngettext(
        "%(agency)s answers within %(days)s working day.",
        "%(agency)s answers within %(days)s working days.",
        days,
    ) % {"agency": agency, "days": days}


def services_changed_at() -> datetime | None:
    return max((c["updated_at"] for c in feedback.category_values()), default=None)


def services() -> list[dict[str, Any]]:
    return [
        {
            "service_code": c.service_code,
            "service_name": c.display_name,
            "description": c.description,
            "metadata": any(a.variable for a in c.attributes.all()),
            "type": "realtime",
            "keywords": ", ".join(c.keyword_list),
            "group": c.group,
        }
        for c in feedback.categories_list()
    ]


def service_definition(service_code: str) -> dict[str, Any] | None:
    try:
        category = feedback.category_get_by_code(service_code)
    except NotFound:
        return None
    return {
        "service_code": category.service_code,
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description or None,
                "order": a.order,
                "description": a.description,
                "values": [
                    {"key": str(v.get("key", "")), "name": str(v.get("name", ""))}
                    for v in a.values or []
                    if isinstance(v, dict)
                ],
            }
            for a in category.attributes.all()
        ],
    }


def _absolute(path: str, base_url: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return (settings.EGOV_PUBLIC_URL or base_url.rstrip("/")) + path


def _categories() -> dict[int, tuple[str, str, str]]:
    """{category id: (service code, name in the current language, service notice)}."""
    english = (get_language() or "vi").startswith("en")
    return {
        c["id"]: (
            c["service_code"],
            (c["name_en"] if english else "") or c["name"],
            _notice(c["agency_name"], c["response_days"]),
        )
        for c in feedback.category_values()
    }


_OFFSETS: dict[tuple[str, int], tuple[int, str]] = {}


def _iso(epoch: float, tz: Any) -> str:
    """``epoch`` as ISO 8601 with the offset of ``tz`` (seconds precision).

    About three times faster than ``datetime.fromtimestamp(epoch, tz).isoformat()``: the
    offset is looked up once per hour of time (time zones change offset on whole hours) and
    kept for the process; the rest is C (``gmtime``, ``strftime``).
    """
    hour = int(epoch // 3600)
    key = (str(tz), hour)
    found = _OFFSETS.get(key)
    if found is None:
        offset = datetime.fromtimestamp(epoch, tz).utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
        sign = "+" if seconds >= 0 else "-"
        hours, minutes = divmod(abs(seconds) // 60, 60)
        if len(_OFFSETS) > 200_000:
            _OFFSETS.clear()
        found = _OFFSETS[key] = (seconds, f"%Y-%m-%dT%H:%M:%S{sign}{hours:02d}:{minutes:02d}")
    return strftime(found[1], gmtime(epoch + found[0]))


def _rows(raw: list[tuple[Any, ...]], base_url: str) -> list[dict[str, Any]]:
    """Feedback's plain report values as the spec's fields, in the spec's order."""
    if not raw:
        return []
    categories = _categories()
    agencies = feedback.agency_names({row[5] for row in raw})
    status_of = OPEN311_STATUS
    tz = timezone.get_current_timezone()
    # The photo path for any id, built once (reverse() per row would cost ~10 µs each).
    photo = _absolute(feedback.photo_path(987654321), base_url).replace("987654321", "{}", 1)
    unknown = ("", "", None)
    rows = []
    for (
        public_id,
        status,
        status_notes,
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
        cover_photo_id,
        media_url,
    ) in raw:
        code, name, notice = categories.get(category_id, unknown)
        if cover_photo_id:
            media_url = photo.format(cover_photo_id)
        rows.append(
            {
                "service_request_id": public_id,
                "status": status_of[status],
                "status_notes": status_notes or None,
                "service_name": name,
                "service_code": code,
                "description": description or None,
                "agency_responsible": agencies.get(agency_id),
                "service_notice": notice,
                "requested_datetime": _iso(requested, tz),
                "updated_datetime": _iso(updated, tz),
                "expected_datetime": _iso(expected, tz),
                "address": address or None,
                "address_id": address_id or None,
                "zipcode": None,
                "lat": lat,
                "long": long,
                "media_url": media_url or None,
            }
        )
    return rows


def add_notes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``extensions=true`` extension: each request's public history as ``notes``
    (datetime, description, type), as Chicago's, Boston's and San Francisco's servers give."""
    if not rows:
        return rows
    tz = timezone.get_current_timezone()
    notes: dict[str, list[dict[str, Any]]] = {row["service_request_id"]: [] for row in rows}
    for update in feedback.public_updates_list(public_ids=list(notes), limit=100 * len(rows)):
        notes[update.public_id].append(
            {
                "datetime": _iso(update.at.timestamp(), tz),
                "description": update.text or None,
                "type": update.kind,
            }
        )
    for row in rows:
        row["notes"] = notes[row["service_request_id"]]
    return rows


def request_rows(query: RequestQuery, *, base_url: str) -> list[dict[str, Any]]:
    if query.ids:
        raw = feedback.public_report_values(
            ids=list(query.ids), offset=query.offset, limit=query.page_size
        )
    else:
        raw = feedback.public_report_values(
            service_codes=list(query.service_codes) or None,
            start=query.start,
            end=query.end,
            status=query.statuses[0] if len(query.statuses) == 1 else None,
            offset=query.offset,
            limit=query.page_size,
        )
    return _rows(raw, base_url)


def request_row(service_request_id: str, *, base_url: str) -> dict[str, Any] | None:
    rows = _rows(feedback.public_report_values(ids=[service_request_id], limit=1), base_url)
    return rows[0] if rows else None


def token_lookup(token: str) -> dict[str, str] | None:
    """A token's request. egov answers creations with the request's id at once (``realtime``),
    so it hands out no tokens itself; a report's id also works as its token, so that a client
    which always goes through tokens still finds it."""
    public_id = feedback.public_report_id_for_token(token)
    if public_id is None:
        try:
            public_id = feedback.public_report_get(token).public_id
        except NotFound:
            return None
    return {"service_request_id": public_id, "token": token}


def _photos(media: list[UploadedFile]) -> list[PhotoUpload]:
    # Read at most one byte more than the limit: enough for the size check to refuse it,
    # without holding a huge upload in memory.
    limit = max_photo_bytes() + 1
    return [PhotoUpload(name=f.name or "media", content=f.read(limit)) for f in media]


def request_create(
    *,
    client: ApiClient,
    service_code: str,
    fields: dict[str, str | None],
    attributes: dict[str, Any],
    media: list[UploadedFile],
) -> dict[str, Any]:
    """Create a report through the same service as the web form (channel ``open311``)."""
    name = " ".join(p for p in (fields.get("first_name"), fields.get("last_name")) if p)
    report = feedback_services.report_create(
        actor=None,
        channel="open311",
        service_code=service_code,
        description=fields.get("description") or "",
        address=fields.get("address_string") or "",
        address_id=fields.get("address_id") or "",
        lat=fields.get("lat"),
        long=fields.get("long"),
        photos=_photos(media),
        media_url=fields.get("media_url") or "",
        contact=feedback_services.Contact(
            name=name, email=fields.get("email") or "", phone=fields.get("phone") or ""
        ),
        attributes=attributes,
        device_id=fields.get("device_id") or "",
        account_id=fields.get("account_id") or "",
        source=client.name,
    )
    return {
        "service_request_id": report.public_id,
        "service_notice": _notice(report.agency.name, report.category.response_days),
        "account_id": fields.get("account_id"),
    }


def update_rows(query: RequestQuery) -> list[dict[str, Any]]:
    tz = timezone.get_current_timezone()
    return [
        {
            "update_id": str(u.id),
            "service_request_id": u.public_id,
            "status": u.fms_status.lower(),
            "updated_datetime": u.at.astimezone(tz).isoformat(timespec="seconds"),
            "description": u.text,
            "media_url": "",
        }
        for u in feedback.public_updates_list(
            start=query.start, end=query.end, offset=query.offset, limit=query.page_size
        )
    ]


def update_create(
    *,
    client: ApiClient,
    service_request_id: str,
    description: str | None,
    status: str | None,
    first_name: str | None,
    last_name: str | None,
    email: str | None,
    phone: str | None,
    media_url: str | None,
    media: list[UploadedFile],
    client_update_id: str | None,
) -> dict[str, Any]:
    name = " ".join(p for p in (first_name, last_name) if p and p != "-")
    update = feedback_services.report_client_update_add(
        client_name=client.name,
        public_id=service_request_id,
        text=description or "",
        status=status,
        contact=feedback_services.Contact(name=name, email=email or "", phone=phone or ""),
        media_url=media_url or "",
        photos=_photos(media),
        client_update_id=client_update_id or "",
    )
    return {"update_id": str(update.pk)}
