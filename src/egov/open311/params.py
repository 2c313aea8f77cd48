"""Reading the parameters of Open311 calls.

Clients send ``api_key`` and ``jurisdiction_id`` in the query string or in the form body, so
every parameter is looked up in both. An empty parameter counts as absent (the spec's
"Optional Arguments"). Bad values raise ``Open311Error`` with the spec's 400.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

MAX_WINDOW = timedelta(days=90)
DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 1000

# The W3C profile of ISO 8601 the spec refers to: a date, or a date and time with an optional
# fraction of seconds, and a zone (Z or ±hh:mm). A time without a zone is read in the server's
# time zone, as lenient clients (and FixMyStreet's own examples) send plain dates.
_W3C_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?)?$"
)


class Open311Error(Exception):
    """An error answered as the spec's ``errors`` document."""

    def __init__(self, status: int, *descriptions: str) -> None:
        self.status = status
        self.errors = [{"code": str(status), "description": d} for d in descriptions]
        super().__init__("; ".join(descriptions))


class Params:
    """A call's parameters, from the query string and the form body; empty = absent."""

    def __init__(self, request: HttpRequest) -> None:
        self.query = request.GET
        self.body = request.POST if request.method == "POST" else None

    def get(self, name: str) -> str | None:
        for source in (self.query, self.body):
            if source is not None:
                value = source.get(name)
                if value is not None and value.strip() != "":
                    return value.strip()
        return None

    def getlist(self, name: str) -> list[str]:
        values: list[str] = []
        for source in (self.query, self.body):
            if source is not None:
                values += [v.strip() for v in source.getlist(name) if v.strip() != ""]
        return values

    def names(self) -> list[str]:
        names = list(self.query.keys())
        if self.body is not None:
            names += [n for n in self.body if n not in names]
        return names


def parse_datetime(name: str, value: str) -> datetime:
    match = _W3C_DATETIME.match(value)
    if match is None:
        raise Open311Error(
            400,
            _("%(name)s is not a date in the W3C format, e.g. 2026-01-31T08:00:00+07:00.")
            % {"name": name},
        )
    text = match["date"] + "T" + (match["time"] or "00:00")
    zone = match["zone"]
    if zone:
        text += "+00:00" if zone == "Z" else zone
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Open311Error(
            400, _("%(name)s is not a valid date: %(value)s.") % {"name": name, "value": value}
        ) from None
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment)
    return moment


def comma_list(value: str | list[str] | None) -> list[str]:
    """A comma-separated parameter, which may also be repeated (``status=open&status=closed``)."""
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [part.strip() for v in values for part in v.split(",") if part.strip()]


@dataclass(frozen=True)
class RequestQuery:
    """The filters of GET requests.{format}, after the spec's defaults."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def _positive_int(params: Params, name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        if maximum is None:
            message = _("%(name)s must be a whole number from 1.") % {"name": name}
        else:
            message = _("%(name)s must be a whole number from 1 to %(max)s.") % {
                "name": name,
                "max": maximum,
            }
        raise Open311Error(400, message)
    return int(raw)


def request_query(params: Params, *, now: datetime | None = None) -> RequestQuery:
    """Parse GET requests' parameters; service_request_id, when given, overrides the others."""
    page = _positive_int(params, "page", 1)
    page_size = _positive_int(params, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    ids = comma_list(params.getlist("service_request_id"))
    if ids:
        return RequestQuery(ids=tuple(ids[:MAX_PAGE_SIZE]), page=page, page_size=page_size)

    errors: list[str] = []
    statuses = comma_list(params.getlist("status"))
    for status in statuses:
        if status not in ("open", "closed"):
            errors.append(
                _("status must be open or closed (or both, comma separated), not %(value)s.")
                % {"value": status}
            )
    start = end = None
    for name in ("start_date", "end_date"):
        raw = params.get(name)
        if raw is not None:
            try:
                moment = parse_datetime(name, raw)
            except Open311Error as exc:
                errors += [e["description"] for e in exc.errors]
                continue
            if name == "start_date":
                start = moment
            else:
                end = moment
    if errors:
        raise Open311Error(400, *errors)
    now = now or timezone.now()
    if start is None and end is None:
        start, end = now - MAX_WINDOW, now
    elif start is None:
        assert end is not None
        start = end - MAX_WINDOW
    elif end is None:
        end = start + MAX_WINDOW
    if end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if end - start > MAX_WINDOW:
        raise Open311Error(400, _("start_date and end_date may not be more than 90 days apart."))
    return RequestQuery(
        service_codes=tuple(comma_list(params.getlist("service_code"))),
        start=start,
        end=end,
        statuses=tuple(dict.fromkeys(statuses)),
        page=page,
        page_size=page_size,
    )


def attribute_values(params: Params) -> dict[str, Any]:
    """``attribute[code]=v`` and ``attribute[code][]=v`` (a multivaluelist) as a mapping."""
    values: dict[str, Any] = {}
    for name in params.names():
        match = re.fullmatch(r"attribute\[([^\[\]]+)\](\[\])?", name)
        if match is None:
            continue
        items = params.getlist(name)
        if not items:
            continue
        code = match[1]
        if match[2]:
            previous = values.get(code)
            values[code] = ([previous] if isinstance(previous, str) else previous or []) + items
        elif code in values and isinstance(values[code], list):
            values[code] += items
        else:
            values[code] = items[0] if len(items) == 1 else items
    return values
