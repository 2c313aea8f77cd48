"""Writes of citizen feedback: every change of a report or a category is one of these services.

Each service checks the actor, validates everything before writing (a refused request saves
nothing: no row, no file), then writes the change, a history entry (``ReportUpdate``), an
audit record and the reporter's notifications (the outbox) in one transaction. Services that
change a report lock its row and compare the ``version`` the actor saw: of two officers acting
at once, exactly one succeeds and the other gets ``Conflict``.

Who may do what is in ``permissions.py``. A staff member who may not read a report gets
``NotFound``; one who may read but not act gets ``PermissionDenied``.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from egov.accounts.validators import normalize_email, normalize_mobile_phone
from egov.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    TooManyRequests,
    ValidationFailed,
)
from egov.core.formats import date_text, datetime_text
from egov.core.services import actor_label_of, audit_record_create
from egov.feedback import permissions
from egov.feedback.models import (
    FMS_STATUS,
    AttributeType,
    Category,
    CategoryAttribute,
    Channel,
    Report,
    ReportPhoto,
    ReportStatus,
    ReportUpdate,
    UpdateKind,
)
from egov.feedback.photos import (
    CleanPhoto,
    PhotoUpload,
    black_out,
    clean_photo,
    photo_problem,
)
from egov.notifications.services import Notification, outbox_enqueue_many
from egov.organizations import permissions as org_permissions
from egov.organizations.models import AdministrativeUnit, Agency
from egov.worktime.selectors import calendar_get

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User

__all__ = [
    "Contact",
    "PhotoUpload",
    "category_save",
    "report_assign",
    "report_client_update_add",
    "report_create",
    "report_mark_duplicate",
    "report_moderate",
    "report_note_add",
    "report_photo_redact",
    "report_rate",
    "report_reopen",
    "report_respond",
    "report_status_change",
    "report_transfer",
]

MAX_DESCRIPTION = 4000
# Letters and digits that cannot be mistaken for one another when read out on the phone.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

# Which status an officer may set from which (``duplicate`` only through report_mark_duplicate,
# and the reporter's reopening through report_reopen).
STATUS_CHANGES: dict[str, frozenset[str]] = {
    ReportStatus.RECEIVED: frozenset(
        {ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED, ReportStatus.REJECTED}
    ),
    ReportStatus.IN_PROGRESS: frozenset({ReportStatus.RESOLVED, ReportStatus.REJECTED}),
    ReportStatus.RESOLVED: frozenset({ReportStatus.CLOSED, ReportStatus.IN_PROGRESS}),
    ReportStatus.CLOSED: frozenset({ReportStatus.IN_PROGRESS}),
    ReportStatus.REJECTED: frozenset({ReportStatus.IN_PROGRESS}),
    ReportStatus.DUPLICATE: frozenset({ReportStatus.IN_PROGRESS}),
}
# Statuses that need a public explanation.
EXPLAINED = frozenset({ReportStatus.RESOLVED, ReportStatus.REJECTED})
# A reporter may rate and reopen a report in these statuses.
ANSWERED = frozenset({ReportStatus.RESOLVED, ReportStatus.CLOSED, ReportStatus.REJECTED})


@dataclass(frozen=True)
class Contact:
    """How to reach the reporter: private, never shown to the public. All optional."""

    name: str = ""
    email: str = ""
    phone: str = ""
    zalo_id: str = ""


# --- helpers -------------------------------------------------------------------------------


def _secret(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _public_id(at: datetime) -> str:
    """``yymmdd-XXXXXX``: the day it was received and six random letters or digits."""
    return f"{timezone.localtime(at):%y%m%d}-{_secret(6)}"


def _float(value: Any, low: float, high: float) -> float | None:
    """``value`` as a float within [low, high], or None when it is not one."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number) or not low <= number <= high:
        return None
    return number


def _check_contact(contact: Contact, errors: dict[str, list[str]]) -> Contact:
    phone, email = contact.phone.strip(), contact.email.strip()
    try:
        phone = normalize_mobile_phone(phone) if phone else ""
    except DjangoValidationError as exc:
        errors["phone"] = list(exc.messages)
    try:
        email = normalize_email(email) if email else ""
    except DjangoValidationError as exc:
        errors["email"] = list(exc.messages)
    zalo_id = contact.zalo_id.strip()
    if zalo_id and (len(zalo_id) > 64 or not zalo_id.replace("_", "").replace("-", "").isalnum()):
        errors["zalo_id"] = [_("This is not a Zalo user id.")]
    return Contact(name=contact.name.strip()[:255], email=email, phone=phone, zalo_id=zalo_id)


def _check_attributes(
    category: Category, given: Mapping[str, Any], errors: dict[str, list[str]]
) -> dict[str, Any]:
    """The answers to ``category``'s questions, checked by datatype; unknown codes dropped."""
    answers: dict[str, Any] = {}
    for attribute in category.attributes.all():
        if not attribute.variable:
            continue
        field = f"attribute[{attribute.code}]"
        raw = given.get(attribute.code)
        values = [
            str(v).strip()
            for v in (raw if isinstance(raw, list | tuple) else [raw])
            if v is not None
        ]
        values = [v for v in values if v]
        if not values:
            if attribute.required:
                errors[field] = [
                    _("'%(question)s' is required.") % {"question": attribute.description}
                ]
            continue
        datatype = attribute.datatype
        if datatype == AttributeType.MULTI:
            unknown = [v for v in values if v not in attribute.keys]
            if unknown:
                errors[field] = [_("Choose among the values offered.")]
            else:
                answers[attribute.code] = values
            continue
        value = values[0]
        if datatype == AttributeType.SINGLE and value not in attribute.keys:
            errors[field] = [_("Choose among the values offered.")]
        elif datatype == AttributeType.NUMBER and _float(value, -1e15, 1e15) is None:
            errors[field] = [_("Enter a number.")]
        elif datatype == AttributeType.DATETIME and _parse_datetime(value) is None:
            errors[field] = [_("Enter a date and time such as 2025-07-01T08:30:00+07:00.")]
        elif datatype == AttributeType.STRING and len(value) > 255:
            errors[field] = [_("At most 255 characters.")]
        elif datatype == AttributeType.TEXT and len(value) > MAX_DESCRIPTION:
            errors[field] = [_("At most 4000 characters.")]
        else:
            answers[attribute.code] = value
    return answers


def _parse_datetime(value: str) -> datetime | None:
    try:
        return parse_datetime(value)
    except ValueError:
        return None


@contextmanager
def _discard_files_on_error() -> Iterator[list[str]]:
    """Delete the files stored inside the block when it fails (its transaction rolls back)."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            with suppress(OSError):
                default_storage.delete(name)
        raise


def _clean_photos(photos: Sequence[PhotoUpload], errors: dict[str, list[str]]) -> list[CleanPhoto]:
    """Check each photo by content and re-encode it, before any transaction starts (decoding
    is the slow part); a problem goes to ``photos[i]`` and ``photos``."""
    cleaned = []
    for i, upload in enumerate(photos):
        problem = photo_problem(upload)
        if problem is None:
            try:
                cleaned.append(clean_photo(upload.content))
            except (OSError, ValueError, SyntaxError):  # truncated or corrupt after the header
                problem = _("The file '%(name)s' is not a JPEG, PNG or WebP photo.") % {
                    "name": upload.name
                }
        if problem:
            errors.setdefault(f"photos[{i}]", []).append(problem)
            errors.setdefault("photos", []).append(problem)
    return cleaned


def _check_media(
    media_url: str | None, photos: Sequence[PhotoUpload], errors: dict[str, list[str]]
) -> tuple[str, list[CleanPhoto]]:
    """Check a media address (http or https) and the photos (how many, and each by content,
    re-encoded), for a report or a client's update; problems go to ``errors``."""
    media_url = (media_url or "").strip()
    if media_url:
        from django.core.validators import URLValidator

        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except DjangoValidationError:
            errors["media_url"] = [_("Enter a web address (http or https).")]
    max_photos = int(getattr(settings, "EGOV_FEEDBACK_MAX_PHOTOS", 5))
    if len(photos) > max_photos:
        errors["photos"] = [
            ngettext("At most %(count)s photo.", "At most %(count)s photos.", max_photos)
            % {"count": max_photos}
        ]
    return media_url, _clean_photos(photos, errors)


def _store_photo(
    report: Report, content: bytes | CleanPhoto, now: datetime, stored: list[str]
) -> ReportPhoto:
    clean = content if isinstance(content, CleanPhoto) else clean_photo(content)
    photo = ReportPhoto(
        report=report,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        size=len(clean.content),
        uploaded_at=now,
    )
    # A random name: the reporter's file name may carry personal data.
    photo.file.save(
        f"{_secret(16).lower()}{clean.extension}", ContentFile(clean.content), save=False
    )
    stored.append(photo.file.name)
    photo.save()
    return photo


def _update(
    report: Report,
    kind: str,
    actor: User | AnonymousUser | None,
    now: datetime,
    *,
    public: bool,
    text: str = "",
    **extra: Any,
) -> ReportUpdate:
    user = actor if actor is not None and actor.is_authenticated else None
    return ReportUpdate.objects.create(
        report=report,
        at=now,
        kind=kind,
        is_public=public,
        status=report.status,
        text=text,
        actor=user,
        actor_label=actor_label_of(actor)[:255] if user is not None else "",
        **extra,
    )


def _due(start: datetime, days: int) -> datetime:
    return calendar_get().due(start, days, "working_days")


def _lock(report_id: int, version: int | None) -> Report:
    """The report's row, locked for the rest of the transaction, at the expected version.

    The row is locked alone, then its agency and category are read: on PostgreSQL, a
    ``SELECT … FOR UPDATE`` joined to the agency re-checks the join against the old agency
    row after waiting for a concurrent transfer, and would find nothing (a false "not found").
    """
    report = Report.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("This report does not exist."))
    if version is not None and report.version != version:
        raise Conflict()
    report.agency = Agency.objects.get(pk=report.agency_id)
    report.category = Category.objects.get(pk=report.category_id)
    return report


def _readable(actor: User | AnonymousUser | None, report: Report) -> None:
    if not permissions.may_read(actor, report) and not (
        report.assignee_id is not None and actor is not None and report.assignee_id == actor.pk
    ):
        raise NotFound(_("This report does not exist."))


def _require_handle(actor: User | AnonymousUser | None, report: Report) -> None:
    _readable(actor, report)
    if not permissions.may_handle(actor, report):
        raise PermissionDenied(_("Only the responsible agency's staff may handle this report."))


def _require_manage(actor: User | AnonymousUser | None, report: Report) -> None:
    _readable(actor, report)
    if not permissions.may_manage(actor, report):
        raise PermissionDenied(_("Only a leader or clerk of the responsible agency may do this."))


def _save(report: Report, now: datetime, fields: list[str], *, public: bool = True) -> None:
    report.version += 1
    fields = [*fields, "version"]
    if public:
        report.updated_at = now
        fields.append("updated_at")
    report.save(update_fields=fields)


def _notify_agency(report: Report) -> None:
    """Tell the responsible agency (by its email address, when it has one) that a report was
    routed to it, in the current transaction: a report is handled like an incoming document."""
    if not report.agency.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New citizen report %(id)s: %(category)s") % {
            "id": report.public_id,
            "category": report.category.name,
        }
        body = _(
            "Citizen report %(id)s (%(category)s) was sent to your agency. The answer is due "
            "by %(due)s."
        ) % {
            "id": report.public_id,
            "category": report.category.name,
            "due": datetime_text(report.expected_at),
        }
        base = getattr(settings, "EGOV_PUBLIC_URL", "")
        if base:
            body += " " + base + reverse("feedback_staff:report", args=[report.pk])
    outbox_enqueue_many(
        [
            Notification(
                channel="email",
                recipient=report.agency.email,
                subject=subject,
                body=body,
                dedupe_key=f"feedback:{report.pk}:{report.version}:agency",
                object_type="feedback.report",
                object_id=str(report.pk),
            )
        ]
    )


def _notify(report: Report, event: str, text: str = "") -> None:
    """Tell the reporter (when they left a contact) in the current transaction (the outbox)."""
    if not report.has_contact:
        return
    with translation.override(settings.LANGUAGE_CODE):
        status = str(report.get_status_display())
        if event == "created":
            body = _(
                "Your report %(id)s was received and sent to %(agency)s, which must answer by "
                "%(due)s. Your tracking code: %(secret)s."
            ) % {
                "id": report.public_id,
                "agency": report.agency.name,
                "due": date_text(report.expected_at),
                "secret": report.reporter_secret,
            }
        else:
            body = _("Your report %(id)s: %(status)s.") % {
                "id": report.public_id,
                "status": status,
            }
            if text:
                body += " " + text
        base = getattr(settings, "EGOV_PUBLIC_URL", "")
        if base:
            body += " " + base + reverse("feedback:detail", args=[report.public_id])
        subject = _("Report %(id)s: %(status)s") % {"id": report.public_id, "status": status}
    recipients = {
        "email": report.contact_email,
        "sms": report.contact_phone,
        "zalo": report.contact_zalo_id or report.contact_phone,
    }
    channels = getattr(settings, "EGOV_FEEDBACK_NOTIFY", ("sms", "zalo", "email"))
    outbox_enqueue_many(
        [
            Notification(
                channel=channel,
                recipient=recipients[channel],
                subject=subject,
                body=body,
                dedupe_key=f"feedback:{report.pk}:{report.version}:{channel}",
                object_type="feedback.report",
                object_id=str(report.pk),
            )
            for channel in channels
            if recipients.get(channel)
        ]
    )


# --- creating a report ---------------------------------------------------------------------


@dataclass(frozen=True)
class _ReportInput:
    """A report's input once checked (``_report_input``)."""

    user: User | None
    category: Category
    description: str
    address: str
    address_id: str
    lat: float | None
    long: float | None
    area: AdministrativeUnit | None
    media_url: str
    photos: list[CleanPhoto]
    contact: Contact
    answers: dict[str, Any]


def _report_input(
    *,
    actor: User | AnonymousUser | None,
    channel: str,
    service_code: str,
    description: str = "",
    address: str = "",
    address_id: str = "",
    lat: float | str | None = None,
    long: float | str | None = None,
    area_id: int | None = None,
    photos: Sequence[PhotoUpload] = (),
    media_url: str = "",
    contact: Contact | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> _ReportInput:
    """Every check of ``report_create``, before anything is written: the input made ready
    to save, or ValidationFailed with the messages of every field at once."""
    errors: dict[str, list[str]] = {}
    user = actor if actor is not None and actor.is_authenticated else None
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if channel == Channel.HOTLINE and not permissions.may_take_calls(actor):
        raise PermissionDenied(_("Only staff may enter hotline calls."))

    category = (
        Category.objects.select_related("agency")
        .prefetch_related("attributes")
        .filter(service_code=(service_code or "").strip(), is_active=True)
        .first()
    )
    if category is None:
        raise ValidationFailed(
            _("There is no such category."),
            code="unknown_service_code",
            fields={"service_code": [_("There is no such category.")]},
        )

    description = (description or "").strip()
    if not description and channel != Channel.OPEN311:
        errors["description"] = [_("Describe the problem.")]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [_("At most 4000 characters.")]

    address, address_id = (address or "").strip(), (address_id or "").strip()
    if len(address) > 500:
        errors["address"] = [_("At most 500 characters.")]
    lat_given = lat is not None and str(lat).strip() != ""
    long_given = long is not None and str(long).strip() != ""
    lat_value = _float(lat, -90, 90)
    long_value = _float(long, -180, 180)
    if lat_given and lat_value is None:
        errors["lat"] = [_("Enter a latitude between -90 and 90.")]
    if long_given and long_value is None:
        errors["long"] = [_("Enter a longitude between -180 and 180.")]
    if lat_given != long_given:
        errors.setdefault("location", []).append(_("Give both the latitude and the longitude."))
    if not (lat_given and long_given) and not address and not address_id:
        errors.setdefault("location", []).append(
            _("Pick the place on the map or type its address.")
        )

    area = None
    if area_id:
        area = AdministrativeUnit.objects.filter(pk=area_id).first()
        if area is None:
            errors["area"] = [_("There is no such administrative unit.")]

    media_url, cleaned = _check_media(media_url, photos, errors)

    contact = _check_contact(contact or Contact(), errors)
    if user is not None and channel in (Channel.WEB, Channel.APP):
        contact = Contact(
            name=contact.name or user.full_name,
            email=contact.email or (user.email or ""),
            phone=contact.phone or (user.phone or ""),
            zalo_id=contact.zalo_id,
        )
    answers = _check_attributes(category, attributes or {}, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    return _ReportInput(
        user=user,
        category=category,
        description=description,
        address=address,
        address_id=address_id,
        lat=lat_value if lat_given else None,
        long=long_value if long_given else None,
        area=area,
        media_url=media_url,
        photos=cleaned,
        contact=contact,
        answers=answers,
    )


def report_check(**fields: Any) -> None:
    """Run ``report_create``'s checks on its arguments and write nothing: raises its
    ValidationFailed with every field's messages (a page whose own form refused a field
    shows the service's messages on the others in the same round)."""
    fields.pop("token", None)
    fields.pop("now", None)
    for name in ("device_id", "account_id", "source"):
        fields.pop(name, None)
    _report_input(**fields)


def report_create(
    *,
    actor: User | AnonymousUser | None,
    channel: str,
    service_code: str,
    description: str = "",
    address: str = "",
    address_id: str = "",
    lat: float | str | None = None,
    long: float | str | None = None,
    area_id: int | None = None,
    photos: Sequence[PhotoUpload] = (),
    media_url: str = "",
    contact: Contact | None = None,
    attributes: Mapping[str, Any] | None = None,
    device_id: str = "",
    account_id: str = "",
    source: str = "",
    token: str = "",
    now: datetime | None = None,
) -> Report:
    """Receive a report from any channel; route it to its category's agency.

    - ``channel``: a ``Channel``. ``hotline`` needs a staff ``actor`` (the operator, kept as
      ``entered_by``). For ``web`` and ``app``, a signed-in ``actor`` is the reporter and their
      account's email and phone fill an empty ``contact``. ``zalo`` and ``open311`` come from
      their adapters (``actor`` None; ``source`` names the client application).
    - ``service_code``: the category's code (an unknown or inactive one: ValidationFailed with
      code ``unknown_service_code`` on field ``service_code``).
    - location: ``lat`` and ``long`` together (WGS84 degrees, numbers or strings), or an
      ``address`` or ``address_id``; none of them: ValidationFailed on field ``location``.
    - ``description``: required except from Open311 clients (the spec makes it optional);
      at most 4000 characters.
    - ``photos``: checked by content (JPEG, PNG, WebP; ``EGOV_FEEDBACK_PHOTO_MAX_MB``,
      ``EGOV_FEEDBACK_MAX_PHOTOS``), stored re-encoded without metadata; errors on
      ``photos`` / ``photos[i]``.
    - ``attributes``: ``{code: value or [values]}``, checked against the category's
      questions; errors on ``attribute[code]``.
    - ``contact``: optional; anonymous reports are accepted. Checked (mobile number +84…,
      email); the reporter is notified through each channel they gave.

    - ``token``: a client's own id for this report (the Zalo bridge's message id); a second
      report with the same token raises Conflict with code ``duplicate_token``.

    The response is due ``category.response_days`` working days after ``requested_at`` (the
    province's calendar). Nothing is saved when anything is refused. Returns the report.
    """
    now = now or timezone.now()
    checked = _report_input(
        actor=actor,
        channel=channel,
        service_code=service_code,
        description=description,
        address=address,
        address_id=address_id,
        lat=lat,
        long=long,
        area_id=area_id,
        photos=photos,
        media_url=media_url,
        contact=contact,
        attributes=attributes,
    )
    user, category, contact = checked.user, checked.category, checked.contact
    description, address, address_id = checked.description, checked.address, checked.address_id
    area, media_url, cleaned, answers = (
        checked.area,
        checked.media_url,
        checked.photos,
        checked.answers,
    )

    with _discard_files_on_error() as stored, transaction.atomic():
        report = Report(
            category=category,
            agency=category.agency,
            channel=channel,
            description=description,
            address=address,
            address_id=address_id[:100],
            lat=checked.lat,
            long=checked.long,
            area=area or category.agency.administrative_unit,
            attributes=answers,
            media_url=media_url,
            reporter=user if channel in (Channel.WEB, Channel.APP) else None,
            contact_name=contact.name,
            contact_email=contact.email,
            contact_phone=contact.phone,
            contact_zalo_id=contact.zalo_id,
            device_id=(device_id or "")[:100],
            account_id=(account_id or "")[:100],
            source=(source or "")[:100],
            entered_by=user if channel == Channel.HOTLINE else None,
            reporter_secret=_secret(8),
            token=(token or "")[:64],
            requested_at=now,
            updated_at=now,
            expected_at=_due(now, category.response_days),
        )
        for attempt in range(5):
            report.public_id = _public_id(now)
            try:
                with transaction.atomic():
                    report.save()
                break
            except IntegrityError:
                if report.token and Report.objects.filter(token=report.token).exists():
                    raise Conflict(
                        _("This report was already received."), code="duplicate_token"
                    ) from None
                if attempt == 4:
                    raise
        cover = None
        for clean in cleaned:
            photo = _store_photo(report, clean, now, stored)
            cover = cover or photo
        if cover is not None:
            report.cover_photo = cover
            report.save(update_fields=["cover_photo"])
        _update(report, UpdateKind.CREATED, actor, now, public=True)
        audit_record_create(
            actor=actor,
            action="feedback.report.create",
            obj=report,
            agency_id=report.agency_id,
            changes={
                "channel": channel,
                "category": category.service_code,
                "photos": len(photos),
                "anonymous": not report.has_contact and report.reporter_id is None,
            },
        )
        _notify(report, "created")
        _notify_agency(report)
    return report


# --- handling ------------------------------------------------------------------------------


def _set_status(
    report: Report, actor: User, status: str, notes: str, now: datetime, kind: str
) -> list[str]:
    """Apply a status change and a public note to ``report`` (unsaved); the changed fields."""
    fields = []
    if status != report.status:
        report.status = status
        fields.append("status")
        if status == ReportStatus.RESOLVED or (
            status in (ReportStatus.REJECTED, ReportStatus.DUPLICATE) and not report.resolved_at
        ):
            report.resolved_at = now
            fields.append("resolved_at")
    if notes:
        report.status_notes = notes
        fields.append("status_notes")
        if report.responded_at is None:
            report.responded_at = now
            fields.append("responded_at")
    return fields


def report_status_change(
    *,
    actor: User,
    report_id: int,
    version: int | None,
    status: str,
    notes: str = "",
    now: datetime | None = None,
) -> Report:
    """Move a report to ``status`` (see ``STATUS_CHANGES``), with a public explanation.

    ``notes`` becomes the report's public status notes; it is required for ``resolved`` and
    ``rejected``. The first public text counts as the agency's response (``responded_at``).
    """
    now = now or timezone.now()
    notes = (notes or "").strip()
    with transaction.atomic():
        report = _lock(report_id, version)
        _require_handle(actor, report)
        if status not in STATUS_CHANGES.get(report.status, frozenset()):
            raise ValidationFailed(
                fields={"status": [_("This status cannot be set from the current one.")]}
            )
        if status in EXPLAINED and not notes:
            raise ValidationFailed(fields={"notes": [_("Explain the decision to the reporter.")]})
        if len(notes) > MAX_DESCRIPTION:
            raise ValidationFailed(fields={"notes": [_("At most 4000 characters.")]})
        old = report.status
        fields = _set_status(report, actor, status, notes, now, UpdateKind.STATUS)
        _save(report, now, fields)
        _update(report, UpdateKind.STATUS, actor, now, public=True, text=notes)
        audit_record_create(
            actor=actor,
            action="feedback.report.status",
            obj=report,
            agency_id=report.agency_id,
            changes={"status": [old, status]},
        )
        _notify(report, "status", notes)
    return report


def report_respond(
    *,
    actor: User,
    report_id: int,
    version: int | None,
    text: str,
    status: str | None = None,
    now: datetime | None = None,
) -> Report:
    """Publish the agency's response ``text`` (the report's status notes).

    ``status`` (optional) moves the report at the same time, as ``report_status_change``
    allows; without it the status stays.
    """
    now = now or timezone.now()
    text = (text or "").strip()
    with transaction.atomic():
        report = _lock(report_id, version)
        _require_handle(actor, report)
        if not text:
            raise ValidationFailed(fields={"text": [_("Write the response.")]})
        if len(text) > MAX_DESCRIPTION:
            raise ValidationFailed(fields={"text": [_("At most 4000 characters.")]})
        if (
            status
            and status != report.status
            and status not in STATUS_CHANGES.get(report.status, frozenset())
        ):
            raise ValidationFailed(
                fields={"status": [_("This status cannot be set from the current one.")]}
            )
        old = report.status
        fields = _set_status(report, actor, status or report.status, text, now, UpdateKind.RESPONSE)
        _save(report, now, fields)
        _update(report, UpdateKind.RESPONSE, actor, now, public=True, text=text)
        audit_record_create(
            actor=actor,
            action="feedback.report.respond",
            obj=report,
            agency_id=report.agency_id,
            changes={"status": [old, report.status], "response": len(text)},
        )
        _notify(report, "response", text)
    return report


def report_note_add(
    *, actor: User, report_id: int, text: str, now: datetime | None = None
) -> ReportUpdate:
    """Add an internal note (staff only, never public); needs no version: notes only append."""
    now = now or timezone.now()
    text = (text or "").strip()
    with transaction.atomic():
        report = _lock(report_id, None)
        _require_handle(actor, report)
        if not text:
            raise ValidationFailed(fields={"text": [_("Write the note.")]})
        if len(text) > MAX_DESCRIPTION:
            raise ValidationFailed(fields={"text": [_("At most 4000 characters.")]})
        update = _update(report, UpdateKind.NOTE, actor, now, public=False, text=text)
        audit_record_create(
            actor=actor,
            action="feedback.report.note",
            obj=report,
            agency_id=report.agency_id,
            changes={"note": update.pk},
        )
    return update


def report_assign(
    *,
    actor: User,
    report_id: int,
    version: int | None,
    assignee_id: int | None,
    now: datetime | None = None,
) -> Report:
    """Assign the report to a specialist, leader or clerk of its agency (None: unassign).

    A report still ``received`` moves to ``in_progress``.
    """
    from egov.accounts.models import User as UserModel

    now = now or timezone.now()
    with transaction.atomic():
        report = _lock(report_id, version)
        _require_manage(actor, report)
        assignee = None
        if assignee_id is not None:
            assignee = UserModel.objects.filter(pk=assignee_id, is_active=True).first()
            if assignee is None or not org_permissions.roles_scope(
                assignee, *permissions.ASSIGNEE_ROLES
            ).contains(report.agency):
                raise ValidationFailed(
                    fields={"assignee": [_("Choose a staff member of the responsible agency.")]}
                )
        old = report.assignee_id
        report.assignee = assignee
        fields = ["assignee"]
        public = False
        if assignee is not None and report.status == ReportStatus.RECEIVED:
            report.status = ReportStatus.IN_PROGRESS
            fields.append("status")
            public = True
        _save(report, now, fields, public=public)
        _update(
            report,
            UpdateKind.ASSIGN,
            actor,
            now,
            public=False,
            data={"assignee": assignee_id, "label": str(assignee) if assignee else ""},
        )
        if public:
            _update(report, UpdateKind.STATUS, actor, now, public=True)
        audit_record_create(
            actor=actor,
            action="feedback.report.assign",
            obj=report,
            agency_id=report.agency_id,
            changes={"assignee": [old, assignee_id]},
        )
        if public:
            _notify(report, "status")
    return report


def report_transfer(
    *,
    actor: User,
    report_id: int,
    version: int | None,
    agency_id: int,
    reason: str = "",
    now: datetime | None = None,
) -> Report:
    """Send the report to another agency, which becomes responsible (the assignee is cleared).

    The reason is internal; the public sees the new responsible agency.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        report = _lock(report_id, version)
        _require_manage(actor, report)
        target = Agency.objects.filter(pk=agency_id, is_active=True).first()
        if target is None or target.pk == report.agency_id:
            raise ValidationFailed(fields={"agency": [_("Choose another, active agency.")]})
        if not reason:
            raise ValidationFailed(fields={"reason": [_("Give the reason for the transfer.")]})
        old = report.agency
        report.agency = target
        report.assignee = None
        _save(report, now, ["agency", "assignee"])
        _update(
            report,
            UpdateKind.TRANSFER,
            actor,
            now,
            public=True,
            from_agency=old,
            to_agency=target,
            data={"reason": reason},
        )
        audit_record_create(
            actor=actor,
            action="feedback.report.transfer",
            obj=report,
            agency_id=old.pk,
            changes={"agency": [old.pk, target.pk], "reason": reason},
        )
        _notify(
            report,
            "transfer",
            _("It was transferred to %(agency)s.") % {"agency": target.name},
        )
        _notify_agency(report)
    return report


# --- moderation ----------------------------------------------------------------------------


def report_moderate(
    *,
    actor: User,
    report_id: int,
    version: int | None,
    hidden: bool | None = None,
    reason: str = "",
    description: str | None = None,
    now: datetime | None = None,
) -> Report:
    """Hide or show a report, and/or replace its public text with a redacted one.

    The text as sent is kept in ``description_original`` (staff only); the audit record says
    that the text was redacted, never what it said. Hiding needs a reason.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        report = _lock(report_id, version)
        _require_manage(actor, report)
        fields: list[str] = []
        changes: dict[str, Any] = {}
        if hidden is not None and hidden != report.is_hidden:
            if hidden and not reason:
                raise ValidationFailed(fields={"reason": [_("Give the reason for hiding it.")]})
            report.is_hidden = hidden
            report.hidden_reason = reason[:500] if hidden else ""
            fields += ["is_hidden", "hidden_reason"]
            changes["hidden"] = [not hidden, hidden]
        if description is not None:
            description = description.strip()
            if not description:
                raise ValidationFailed(fields={"description": [_("Describe the problem.")]})
            if len(description) > MAX_DESCRIPTION:
                raise ValidationFailed(fields={"description": [_("At most 4000 characters.")]})
            if description != report.description:
                if not report.description_original:
                    report.description_original = report.description
                    fields.append("description_original")
                report.description = description
                fields.append("description")
                changes["description"] = "redacted"
        if not fields:
            raise ValidationFailed(_("Nothing to change."))
        _save(report, now, fields)
        _update(report, UpdateKind.MODERATION, actor, now, public=False, text=reason, data=changes)
        audit_record_create(
            actor=actor,
            action="feedback.report.moderate",
            obj=report,
            agency_id=report.agency_id,
            changes={**changes, "reason": reason},
        )
    return report


def _refresh_cover(report: Report) -> None:
    cover = next((p for p in report.photos.all() if p.public_name), None)
    if report.cover_photo_id != (cover.pk if cover else None):
        report.cover_photo = cover
        report.save(update_fields=["cover_photo"])


def report_photo_redact(
    *,
    actor: User,
    photo_id: int,
    boxes: Sequence[tuple[float, float, float, float]] = (),
    now: datetime | None = None,
) -> ReportPhoto:
    """Keep a photo's original from the public; publish a copy with ``boxes`` blacked out, or
    nothing when no box is given.

    A box is ``(left, top, width, height)`` as fractions of the photo (0–1).
    """
    now = now or timezone.now()
    clean_boxes = []
    for box in boxes:
        try:
            left, top, width, height = (float(v) for v in box)
        except (TypeError, ValueError):
            raise ValidationFailed(fields={"boxes": [_("Each area needs four numbers.")]}) from None
        if not (0 <= left < 1 and 0 <= top < 1 and 0 < width <= 1 and 0 < height <= 1):
            raise ValidationFailed(fields={"boxes": [_("Areas must lie within the photo.")]})
        clean_boxes.append((left, top, width, height))
    photo = ReportPhoto.objects.filter(pk=photo_id).only("report_id").first()
    if photo is None:
        raise NotFound()
    with _discard_files_on_error() as stored, transaction.atomic():
        report = _lock(photo.report_id, None)
        _require_manage(actor, report)
        photo = ReportPhoto.objects.get(pk=photo_id)
        old_public = photo.public_file.name if photo.public_file else ""
        if clean_boxes:
            with photo.file.open("rb") as handle:
                redacted = black_out(handle.read(), clean_boxes)
            photo.public_file.save(
                f"{_secret(16).lower()}{redacted.extension}",
                ContentFile(redacted.content),
                save=False,
            )
            stored.append(photo.public_file.name)
            photo.is_public = True
        else:
            photo.public_file = ""  # type: ignore[assignment]
            photo.is_public = False
        photo.redacted_at = now
        photo.save()
        _refresh_cover(report)
        _save(report, now, [])
        _update(
            report,
            UpdateKind.MODERATION,
            actor,
            now,
            public=False,
            data={"photo": photo.pk, "boxes": len(clean_boxes)},
        )
        audit_record_create(
            actor=actor,
            action="feedback.report.redact_photo",
            obj=report,
            agency_id=report.agency_id,
            changes={"photo": photo.pk, "boxes": len(clean_boxes), "public": photo.is_public},
        )
        if old_public:
            transaction.on_commit(lambda: default_storage.delete(old_public))
    return photo


def report_mark_duplicate(
    *,
    actor: User,
    report_id: int,
    version: int | None,
    original_public_id: str,
    now: datetime | None = None,
) -> Report:
    """Close the report as a duplicate of another one (followed to its own original)."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _lock(report_id, version)
        _require_handle(actor, report)
        original = (
            Report.objects.filter(public_id=(original_public_id or "").strip())
            .select_related("duplicate_of")
            .first()
        )
        if original is not None and original.duplicate_of is not None:
            original = original.duplicate_of
        if original is None or original.pk == report.pk:
            raise ValidationFailed(fields={"original": [_("Give the number of another report.")]})
        if report.status not in (ReportStatus.RECEIVED, ReportStatus.IN_PROGRESS):
            raise ValidationFailed(
                fields={"status": [_("Only an open report can be marked as a duplicate.")]}
            )
        old = report.status
        notes = _("Duplicate of report %(id)s.") % {"id": original.public_id}
        report.duplicate_of = original
        fields = [
            "duplicate_of",
            *_set_status(report, actor, ReportStatus.DUPLICATE, notes, now, ""),
        ]
        _save(report, now, fields)
        _update(
            report,
            UpdateKind.DUPLICATE,
            actor,
            now,
            public=True,
            text=notes,
            data={"original": original.public_id},
        )
        audit_record_create(
            actor=actor,
            action="feedback.report.duplicate",
            obj=report,
            agency_id=report.agency_id,
            changes={"status": [old, ReportStatus.DUPLICATE], "original": original.public_id},
        )
        _notify(report, "duplicate", notes)
    return report


# --- the reporter --------------------------------------------------------------------------


# Wrong tracking codes accepted per report before its rating and reopening refuse everyone
# who is not signed in as the reporter, for SECRET_WINDOW seconds after the first one.
SECRET_FAILURES = 10
SECRET_WINDOW = 15 * 60


def _check_reporter(actor: User | AnonymousUser | None, public_id: str, secret: str) -> int:
    """The id of the report when ``actor`` is its reporter or ``secret`` its tracking code.

    Checked, and a wrong code counted, before the service's transaction: a failure counted
    inside it would be rolled back with it. (Neither the reporter nor the code ever changes,
    so the check holds inside the transaction.) After ``SECRET_FAILURES`` wrong codes for one
    report, the code is not even compared until the window ends: guessing the 8 characters is
    then hopeless, not merely impractical."""
    report = Report.objects.filter(public_id=(public_id or "").strip()).first()
    if report is None:
        raise NotFound(_("This report does not exist."))
    if _is_reporter(actor, report):
        return report.pk
    key = f"feedback:secret-failures:{report.pk}"
    if (cache.get(key) or 0) >= SECRET_FAILURES:
        raise TooManyRequests(
            _("Too many wrong tracking codes for this report. Please try again in 15 minutes.")
        )
    if not _secret_matches(report, secret):
        if not cache.add(key, 1, SECRET_WINDOW):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr: this failure opens a new window
                cache.add(key, 1, SECRET_WINDOW)
        raise PermissionDenied(_("The tracking code is not right."))
    return report.pk


def _is_reporter(actor: User | AnonymousUser | None, report: Report) -> bool:
    return (
        actor is not None
        and actor.is_authenticated
        and report.reporter_id is not None
        and report.reporter_id == actor.pk
    )


def _secret_matches(report: Report, secret: str) -> bool:
    return secrets.compare_digest(
        (secret or "").strip().upper().encode(), report.reporter_secret.encode()
    )


def report_rate(
    *,
    actor: User | AnonymousUser | None,
    public_id: str,
    secret: str = "",
    rating: int,
    comment: str = "",
    now: datetime | None = None,
) -> Report:
    """The reporter rates the response, 1 (bad) to 5 (very good), once it was answered.

    The reporter is the signed-in owner, or whoever gives the tracking code. Rating again
    replaces the earlier rating.
    """
    now = now or timezone.now()
    comment = (comment or "").strip()
    pk = _check_reporter(actor, public_id, secret)
    with transaction.atomic():
        report = _lock(pk, None)
        if report.status not in ANSWERED or report.responded_at is None:
            raise ValidationFailed(
                fields={"rating": [_("The report can be rated once it has been answered.")]}
            )
        try:
            value = int(rating)
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            raise ValidationFailed(fields={"rating": [_("Choose from 1 to 5.")]})
        if len(comment) > 2000:
            raise ValidationFailed(fields={"comment": [_("At most 2000 characters.")]})
        old = report.rating
        report.rating, report.rating_comment, report.rated_at = value, comment, now
        _save(report, now, ["rating", "rating_comment", "rated_at"], public=False)
        _update(report, UpdateKind.RATING, actor, now, public=False, text=comment,
                data={"rating": value})  # fmt: skip
        audit_record_create(
            actor=actor,
            action="feedback.report.rate",
            obj=report,
            agency_id=report.agency_id,
            changes={"rating": [old, value]},
        )
    return report


def report_reopen(
    *,
    actor: User | AnonymousUser | None,
    public_id: str,
    secret: str = "",
    reason: str,
    now: datetime | None = None,
) -> Report:
    """The reporter reopens an answered report within ``EGOV_FEEDBACK_REOPEN_DAYS`` days of
    its resolution: it goes back to ``in_progress`` with a new response deadline."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    days = int(getattr(settings, "EGOV_FEEDBACK_REOPEN_DAYS", 7))
    pk = _check_reporter(actor, public_id, secret)
    with transaction.atomic():
        report = _lock(pk, None)
        if report.status not in ANSWERED:
            raise ValidationFailed(
                fields={"reason": [_("Only an answered report can be reopened.")]}
            )
        since = report.resolved_at or report.updated_at
        if now - since > timedelta(days=days):
            raise ValidationFailed(
                fields={
                    "reason": [
                        ngettext(
                            "A report can be reopened within %(days)s day of its answer.",
                            "A report can be reopened within %(days)s days of its answer.",
                            days,
                        )
                        % {"days": days}
                    ]
                }
            )
        if not reason:
            raise ValidationFailed(fields={"reason": [_("Say why the problem is not solved.")]})
        if len(reason) > MAX_DESCRIPTION:
            raise ValidationFailed(fields={"reason": [_("At most 4000 characters.")]})
        old = report.status
        report.status = ReportStatus.IN_PROGRESS
        report.resolved_at = None
        report.reopen_count += 1
        report.expected_at = _due(now, report.category.response_days)
        _save(report, now, ["status", "resolved_at", "reopen_count", "expected_at"])
        # The reporter's words stay with the staff (they may name people); the public sees
        # that the report was reopened.
        _update(report, UpdateKind.REOPEN, actor, now, public=True, data={"reason": reason})
        audit_record_create(
            actor=actor,
            action="feedback.report.reopen",
            obj=report,
            agency_id=report.agency_id,
            changes={"status": [old, report.status]},
        )
        _notify(report, "reopen")
    return report


# --- categories ----------------------------------------------------------------------------

_ATTRIBUTE_KEYS = {
    "code",
    "variable",
    "datatype",
    "required",
    "datatype_description",
    "description",
    "order",
    "values",
}


def _check_attribute_rows(rows: Sequence[Mapping[str, Any]], errors: dict[str, list[str]]) -> None:
    codes: set[str] = set()
    for i, row in enumerate(rows):
        field = f"attributes[{i}]"
        code = str(row.get("code") or "").strip()
        if not code or not code.replace("_", "").replace("-", "").isalnum() or len(code) > 64:
            errors[field] = [_("Each attribute needs a code of letters, digits, - or _.")]
        elif code in codes:
            errors[field] = [_("Attribute codes must differ.")]
        codes.add(code)
        if row.get("datatype", AttributeType.STRING) not in AttributeType.values:
            errors[field] = [_("Unknown datatype.")]
        if not str(row.get("description") or "").strip():
            errors[field] = [_("Each attribute needs its question.")]
        if row.get("datatype") in (AttributeType.SINGLE, AttributeType.MULTI):
            values = row.get("values") or []
            if not values or not all(
                isinstance(v, dict) and str(v.get("key", "")).strip() and v.get("name")
                for v in values
            ):
                errors[field] = [_("A list needs values, each with a key and a name.")]


def category_save(
    *,
    actor: User,
    category_id: int | None = None,
    service_code: str,
    name: str,
    agency_id: int,
    response_days: int,
    name_en: str = "",
    description: str = "",
    keywords: str = "",
    group: str = "",
    is_active: bool = True,
    order: int = 0,
    attributes: Sequence[Mapping[str, Any]] | None = None,
) -> Category:
    """Create (``category_id`` None) or change a category; provincial administrators only.

    ``attributes``, when given, replaces the category's questions: dicts with the keys of
    ``CategoryAttribute`` (code, description, datatype, required, variable, order,
    datatype_description, values).
    """
    if not permissions.may_configure(actor):
        raise PermissionDenied(_("Only a provincial administrator may do this."))
    errors: dict[str, list[str]] = {}
    service_code = (service_code or "").strip()
    if (
        not service_code
        or len(service_code) > 64
        or not all((c.isalnum() and c.isascii()) or c in "-_" for c in service_code)
    ):
        errors["service_code"] = [_("Use letters, digits, - and _ only.")]
    elif Category.objects.filter(service_code=service_code).exclude(pk=category_id or 0).exists():
        errors["service_code"] = [_("Another category has this code.")]
    if not (name or "").strip():
        errors["name"] = [_("This field is required.")]
    agency = Agency.objects.filter(pk=agency_id, is_active=True).first()
    if agency is None:
        errors["agency"] = [_("Choose an active agency.")]
    if not isinstance(response_days, int) or not 1 <= response_days <= 365:
        errors["response_days"] = [_("From 1 to 365 working days.")]
    if attributes is not None:
        _check_attribute_rows(attributes, errors)
    if errors:
        raise ValidationFailed(fields=errors)

    with transaction.atomic():
        if category_id is None:
            category = Category()
            before: dict[str, Any] = {}
        else:
            found = Category.objects.select_for_update().filter(pk=category_id).first()
            if found is None:
                raise NotFound()
            category = found
            before = {
                "service_code": category.service_code,
                "agency": category.agency_id,
                "response_days": category.response_days,
                "is_active": category.is_active,
            }
        category.service_code = service_code
        category.name = name.strip()
        category.name_en = name_en.strip()
        category.description = description.strip()
        category.keywords = keywords.strip()
        category.group = group.strip()
        category.agency = agency  # type: ignore[assignment]
        category.response_days = response_days
        category.is_active = is_active
        category.order = order
        category.save()
        if attributes is not None:
            category.attributes.all().delete()
            CategoryAttribute.objects.bulk_create(
                [
                    CategoryAttribute(
                        category=category,
                        **{k: v for k, v in row.items() if k in _ATTRIBUTE_KEYS},
                    )
                    for row in attributes
                ]
            )
        after = {
            "service_code": category.service_code,
            "agency": category.agency_id,
            "response_days": category.response_days,
            "is_active": category.is_active,
        }
        audit_record_create(
            actor=actor,
            action="feedback.category.save",
            obj=category,
            changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
            | ({"attributes": len(attributes)} if attributes is not None else {}),
        )
    return category


def fms_status(status: str) -> str:
    return FMS_STATUS[status]


# --- Open311 clients' updates (FixMyStreet's POST servicerequestupdates) -------------------

# FixMyStreet's statuses a client may send with an update.
CLIENT_UPDATE_STATUSES = frozenset(
    {
        "OPEN",
        "CLOSED",
        "FIXED",
        "IN_PROGRESS",
        "ACTION_SCHEDULED",
        "INVESTIGATING",
        "DUPLICATE",
        "NOT_COUNCILS_RESPONSIBILITY",
        "NO_FURTHER_ACTION",
        "INTERNAL_REFERRAL",
        "REOPEN",
    }
)


def report_client_update_add(
    *,
    client_name: str,
    public_id: str,
    text: str,
    status: str | None = None,
    contact: Contact | None = None,
    media_url: str = "",
    photos: Sequence[PhotoUpload] = (),
    client_update_id: str = "",
    now: datetime | None = None,
) -> ReportUpdate:
    """Record what an Open311 client application sends about a report (a citizen's comment).

    It goes to the handling agency as an internal entry: a client cannot change a report's
    status (the status it sends is kept with the entry for the officers), nor publish text
    the agency has not seen. Photos are checked and stored like the report's own, but kept
    private. Nothing is saved when anything is refused.
    """
    now = now or timezone.now()
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if not text and not photos and not (media_url or "").strip():
        errors["description"] = [_("Write the update.")]
    elif len(text) > MAX_DESCRIPTION:
        errors["description"] = [_("At most 4000 characters.")]
    status = (status or "").strip().upper()
    if status and status not in CLIENT_UPDATE_STATUSES:
        errors["status"] = [_("Unknown status.")]
    media_url, cleaned = _check_media(media_url, photos, errors)
    contact = _check_contact(contact or Contact(), errors)
    report = Report.objects.filter(public_id=public_id, is_hidden=False).only("pk").first()
    if report is None:
        raise NotFound(_("There is no such report."))
    if errors:
        raise ValidationFailed(fields=errors)
    with _discard_files_on_error() as stored, transaction.atomic():
        report = _lock(report.pk, None)
        photo_ids = [_store_photo(report, clean, now, stored).pk for clean in cleaned]
        if photo_ids:
            # Kept for the officers only, like the update itself.
            ReportPhoto.objects.filter(pk__in=photo_ids).update(is_public=False)
        update = ReportUpdate.objects.create(
            report=report,
            at=now,
            kind=UpdateKind.NOTE,
            is_public=False,
            status=report.status,
            text=text,
            actor_label=(f"{contact.name} ({client_name})" if contact.name else client_name)[:255],
            data={
                "open311_client": client_name,
                "client_update_id": (client_update_id or "")[:100],
                "status_requested": status,
                "media_url": media_url,
                "photos": photo_ids,
                "contact": {"email": contact.email, "phone": contact.phone},
            },
        )
        audit_record_create(
            actor=None,
            action="feedback.report.client_update",
            obj=report,
            agency_id=report.agency_id,
            changes={"update": update.pk, "client": client_name, "photos": len(photo_ids)},
        )
    return update
