"""Writes of the dossier lifecycle: every change of a dossier is one of these services.

Each service locks the dossier row, checks that the version the actor saw is still current
(two officers acting at once: exactly one succeeds, the other gets Conflict), that the action
is allowed from the current state and that the actor may take it, then writes the change, a
timeline event and an audit record in one transaction.
"""

from __future__ import annotations

import logging
import mimetypes
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.accounts.validators import normalize_email, normalize_mobile_phone
from egov.core.db import (
    CompiledInsert,
    CompiledQuery,
    CompiledUpdate,
    prepared_statements,
    writes_together,
)
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.core.files import upload_problem
from egov.core.formats import datetime_text
from egov.core.services import audit_record_create
from egov.dossiers.models import (
    FINAL_STATES,
    NATIONAL_STATUS,
    Dossier,
    DossierCounter,
    DossierEvent,
    DossierFile,
    DossierPause,
    DossierRating,
    DossierState,
    Satisfaction,
)
from egov.dossiers.transitions import (
    ASSIGNEE_ROLES,
    HANDLER_ROLES,
    TRANSITIONS,
    is_sender,
    latest_event,
    may_act,
)
from egov.notifications.services import Notification, outbox_enqueue_many
from egov.organizations import permissions as org_permissions
from egov.organizations.models import Agency, StaffRole
from egov.procedures.models import Channel, OnlineType, Procedure
from egov.stats import services as stats_services
from egov.worktime.selectors import calendar_get

logger = logging.getLogger("egov.dossiers")

if TYPE_CHECKING:
    from egov.accounts.models import User


# Letters and digits that cannot be mistaken for one another on a printed slip.
_SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _lookup_secret() -> str:
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(6))


def _next_code(agency: Agency, at: datetime) -> str:
    """``<agency code>-<yymmdd>-<4-digit sequence of the day>`` (domain.md, dossier code)."""
    day = timezone.localtime(at).date()
    updated = DossierCounter.objects.filter(agency=agency, day=day).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                DossierCounter.objects.create(agency=agency, day=day, last=1)
        except IntegrityError:  # another submission created it first
            DossierCounter.objects.filter(agency=agency, day=day).update(last=F("last") + 1)
    last = DossierCounter.objects.get(agency=agency, day=day).last
    return f"{agency.code}-{day:%y%m%d}-{last:04d}"


@dataclass(frozen=True)
class Upload:
    """A file sent for one of the procedure's dossier components."""

    component_id: int | None  # None: not tied to one component (a supplement)
    name: str
    content: bytes


ALLOWED_UPLOADS = ("pdf", "jpeg", "png", "zip-office", "ole-office")


def max_upload_bytes() -> int:
    """The largest dossier upload accepted, in bytes (``EGOV_MAX_UPLOAD_MB``)."""
    return int(getattr(settings, "EGOV_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def _check_uploads(
    procedure: Procedure, uploads: list[Upload], errors: dict[str, list[str]]
) -> None:
    components = {c.pk: c for c in procedure.components.all()}
    given = set()
    for i, upload in enumerate(uploads):
        if upload.component_id not in components:
            errors.setdefault(f"files[{i}]", []).append(
                _("This document is not part of the procedure.")
            )
            continue
        problem = upload_problem(
            upload.name, upload.content, allowed=ALLOWED_UPLOADS, max_bytes=max_upload_bytes()
        )
        if problem:
            errors.setdefault(f"files[{i}]", []).append(problem)
        given.add(upload.component_id)
    for component in components.values():
        if component.mandatory and component.pk not in given:
            errors.setdefault(f"component_{component.pk}", []).append(
                _("'%(name)s' is required.") % {"name": component.name}
            )


def _check_files(uploads: list[Upload] | tuple[Upload, ...], errors: dict[str, list[str]]) -> None:
    """The content checks of ``_check_uploads`` for files not tied to a component."""
    for i, upload in enumerate(uploads):
        problem = upload_problem(
            upload.name, upload.content, allowed=ALLOWED_UPLOADS, max_bytes=max_upload_bytes()
        )
        if problem:
            errors.setdefault(f"files[{i}]", []).append(problem)


def _store_uploads(
    dossier: Dossier,
    uploads: list[Upload],
    actor: User,
    kind: str,
    now: datetime,
    stored: list[str] | None = None,
) -> None:
    """Save ``uploads`` as files of ``dossier``; the names written go to ``stored``.

    A component id that is not one of the procedure's components is kept as no component.
    """
    components = {c.pk for c in dossier.procedure.components.all()} if uploads else set()
    for upload in uploads:
        record = DossierFile(
            dossier=dossier,
            kind=kind,
            component_id=upload.component_id if upload.component_id in components else None,
            name=Path(upload.name).name[:255],
            content_type=mimetypes.guess_type(upload.name)[0] or "application/octet-stream",
            size=len(upload.content),
            uploaded_at=now,
            uploaded_by=actor,
        )
        record.file.save(Path(upload.name).name, ContentFile(upload.content), save=False)
        if stored is not None:
            stored.append(record.file.name)
        record.save()


@contextmanager
def _discard_files_on_error() -> Iterator[list[str]]:
    """Delete the files written inside the block when it fails (its transaction rolls back).

    Files written by a service that succeeded, inside a caller's transaction that rolls back
    later, stay on disk: Django has no hook on rollback. They are orphans, not dossier files.
    """
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        storage = DossierFile._meta.get_field("file").storage  # type: ignore[attr-defined]
        for name in stored:
            with suppress(OSError):
                storage.delete(name)
        raise


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


def _contact(applicant: Applicant, errors: dict[str, list[str]]) -> tuple[str, str]:
    """The applicant's mobile number (+84…, as the lookup compares it) and email, checked."""
    phone, email = applicant.phone.strip(), applicant.email.strip()
    try:
        phone = normalize_mobile_phone(phone) if phone else ""
    except DjangoValidationError as exc:
        errors["applicant_phone"] = list(exc.messages)
    try:
        email = normalize_email(email) if email else ""
    except DjangoValidationError as exc:
        errors["applicant_email"] = list(exc.messages)
    return phone, email


def dossier_submit(
    *,
    actor: User,
    procedure: Procedure,
    agency: Agency | None,
    channel: str,
    applicant: Applicant,
    files: list[Upload] | None = None,
    idempotency_key: str = "",
) -> Dossier:
    """Submit a dossier online (a citizen) or at the desk (an officer, for a citizen).

    ``agency`` is where the dossier is received: the procedure's receiving agency, or for a
    procedure every commune implements, the commune's People's Committee the citizen chooses.
    A retried submission with the same ``idempotency_key`` returns the first dossier.
    """
    if idempotency_key:
        existing = Dossier.objects.filter(
            submitted_by=actor, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing
    errors: dict[str, list[str]] = {}
    if not procedure.is_published:
        errors["procedure"] = [_("This procedure is not offered.")]
    if channel == Channel.ONLINE and procedure.online_type == OnlineType.INFO:
        errors["channel"] = [_("This procedure cannot be submitted online.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    # A department's procedure is received where the catalog says; a procedure every commune
    # implements is received by the commune the citizen chooses.
    receiving = procedure.receiving_agency or procedure.implementing_agency
    if receiving is None:
        if agency is None or agency.type_id != procedure.implementing_agency_type_id:
            errors["agency"] = [_("Choose the agency where the dossier is received.")]
        else:
            receiving = agency
    if not applicant.name.strip():
        errors["applicant_name"] = [_("Enter the applicant's name.")]
    phone, email = _contact(applicant, errors)
    files = files or []
    _check_uploads(procedure, files, errors)
    if (
        channel == Channel.COUNTER
        and receiving is not None
        and not org_permissions.roles_scope(actor, StaffRole.DESK_OFFICER).contains(receiving)
    ):
        raise PermissionDenied(
            _("Only a desk officer of the receiving agency enters desk submissions.")
        )
    if errors:
        raise ValidationFailed(fields=errors)
    assert receiving is not None
    now = timezone.now()
    with _discard_files_on_error() as stored, transaction.atomic():
        dossier = Dossier.objects.create(
            code=_next_code(receiving, now),
            procedure=procedure,
            receiving_agency=receiving,
            current_agency=receiving,
            channel=channel,
            state=DossierState.SUBMITTED,
            national_status=NATIONAL_STATUS[DossierState.SUBMITTED],
            applicant=actor if channel != Channel.COUNTER else None,
            applicant_name=applicant.name.strip(),
            applicant_id_number=applicant.id_number.strip(),
            applicant_phone=phone,
            applicant_email=email,
            applicant_address=applicant.address.strip(),
            submitted_by=actor,
            lookup_secret=_lookup_secret(),
            idempotency_key=idempotency_key,
            submitted_at=now,
        )
        _store_uploads(dossier, files, actor, DossierFile.Kind.COMPONENT, now, stored)
        _event(dossier, actor, "submit", "", dossier.state, now)
        _notify(dossier, "submit")
        stats_services.dossier_changed(dossier_id=dossier.pk)
        audit_record_create(
            actor=actor, action="dossiers.dossier.submit", obj=dossier, agency_id=receiving.pk,
            changes={"procedure": procedure.code, "channel": channel},
        )  # fmt: skip
    return dossier


def _event(
    dossier: Dossier,
    actor: User | None,
    action: str,
    from_state: str,
    to_state: str,
    at: datetime,
    **extra: Any,
) -> DossierEvent:
    event = DossierEvent(
        dossier=dossier,
        at=at,
        action=action,
        actor=actor,
        actor_label=(actor.get_full_name() or actor.sign_in) if actor else "system",
        from_state=from_state,
        to_state=to_state,
        **extra,
    )
    _INSERT_EVENT.create(event)
    return event


_INSERT_EVENT = CompiledInsert(DossierEvent)  # every transition adds one
_UPDATE_DOSSIER = CompiledUpdate(Dossier)  # and changes the dossier's row


def _may_act(actor: User, dossier: Dossier, who: str) -> bool:
    return may_act(actor, dossier, who)


def _may_see(actor: User, dossier: Dossier) -> bool:
    from egov.dossiers.selectors import staff_dossiers

    if dossier.applicant_id == actor.pk or staff_dossiers(actor).filter(pk=dossier.pk).exists():
        return True
    # The unit a hand-over was recalled from saw the dossier until the recall.
    event = latest_event(dossier)
    return (
        event is not None
        and event.action == "recall"
        and event.from_agency is not None
        and org_permissions.roles_scope(actor, *HANDLER_ROLES).contains(event.from_agency)
    )


def _required(name: str, message: str) -> ValidationFailed:
    """The error for an input the action cannot do without."""
    return ValidationFailed(fields={name: [message]})


def _related_dossiers() -> QuerySet[Dossier]:
    return Dossier.objects.select_related("procedure", "receiving_agency", "current_agency")


# Compiled once per thread: compiling this query cost five times running it.
_LOCK_DOSSIER = CompiledQuery(
    lambda pk: _related_dossiers().select_for_update(of=("self",)).filter(pk=pk), -(2**62) + 7
)


def _begin(actor: User, dossier_id: int, version: int, action: str) -> tuple[Dossier, str]:
    """Lock the dossier and check version, state and actor; returns it and its old state."""
    # Lock the dossier's row only (FOR UPDATE OF): a plain FOR UPDATE with joins would also
    # lock the procedure's and the agencies' rows on PostgreSQL, serializing every dossier of
    # an agency. When another transaction changed the row meanwhile, PostgreSQL re-checks the
    # join against the agency row it read first and drops the dossier if a join key
    # (current_agency) changed: then lock the row alone and read it again, so that a racer
    # is told the dossier changed, not that it does not exist.
    dossier = _LOCK_DOSSIER.first(dossier_id)
    if dossier is None and list(
        Dossier.objects.select_for_update().filter(pk=dossier_id).values_list("pk")
    ):
        dossier = _related_dossiers().filter(pk=dossier_id).first()
    if dossier is None:
        raise NotFound(_("Dossier not found."))
    transition = TRANSITIONS[action]
    stale = Conflict(
        _("Dossier %(code)s was changed by someone else meanwhile. Reload it and try again.")
        % {"code": dossier.code}
    )
    if not _may_act(actor, dossier, transition.actor):
        # Someone who saw the dossier and lost a race (it was handed over meanwhile) is told
        # it changed, not that they may not act on it.
        if dossier.version != version and _may_see(actor, dossier):
            raise stale
        raise PermissionDenied(_("You may not take this action on this dossier."))
    if dossier.version != version:
        raise stale
    if dossier.state not in transition.sources:
        raise Conflict(
            _("This action is not possible while the dossier is '%(state)s'.")
            % {"state": dossier.get_state_display()},
            code="invalid_transition",
        )
    dossier._loaded_row = _row(dossier)  # type: ignore[attr-defined]  # for _finish's UPDATE
    return dossier, dossier.state


def _row(dossier: Dossier) -> dict[str, Any]:
    return {f.name: getattr(dossier, f.attname) for f in Dossier._meta.concrete_fields}


# The actions a citizen is told about, by SMS and email (Decree 118/2025: the applicant is
# informed when the dossier is received, needs more papers, is late, refused or done).
NOTIFIED_ACTIONS = {
    "submit", "receive", "request_completion", "refuse", "request_supplement", "apologize",
    "complete", "return_result", "stop", "approve_withdrawal", "request_payment",
}  # fmt: skip


def _notify(dossier: Dossier, action: str, note: str = "") -> None:
    """Enqueue the citizen's notifications in the current transaction (the outbox)."""
    if action not in NOTIFIED_ACTIONS:
        return
    with translation.override(settings.LANGUAGE_CODE):
        state = str(dossier.get_state_display())
        text = _("Dossier %(code)s (%(procedure)s): %(state)s.") % {
            "code": dossier.code,
            "procedure": dossier.procedure.name,
            "state": state,
        }
        if dossier.appointment_at and not dossier.is_final:
            when = datetime_text(dossier.appointment_at)
            text += " " + _("Appointment: %(date)s.") % {"date": when}
        if note:
            text += " " + note
        text += " " + _("Lookup code: %(secret)s.") % {"secret": dossier.lookup_secret}
        subject = _("Dossier %(code)s: %(state)s") % {"code": dossier.code, "state": state}
    recipients = {
        "sms": dossier.applicant_phone,
        "zalo": dossier.applicant_phone,  # Zalo's notification service addresses a phone number
        "email": dossier.applicant_email,
    }
    channels = getattr(settings, "EGOV_DOSSIER_NOTIFY", ("sms", "zalo", "email"))
    outbox_enqueue_many(
        [
            Notification(
                channel=channel,
                recipient=recipients[channel],
                subject=subject,
                body=text,
                dedupe_key=f"dossier:{dossier.pk}:{dossier.version}:{channel}",
                object_type="dossiers.dossier",
                object_id=str(dossier.pk),
            )
            for channel in channels
            if recipients.get(channel)
        ],
        new_keys=True,  # the version in the key is the one this transaction holds locked
    )


def _finish(
    dossier: Dossier,
    actor: User,
    action: str,
    old_state: str,
    now: datetime,
    *,
    comment: str = "",
    changes: dict[str, Any] | None = None,
    note: str = "",
    **event: Any,
) -> Dossier:
    """Write the change, its timeline event, its audit record (with ``changes`` added) and the
    citizen's notifications (with ``note`` added to the text), in the caller's transaction."""
    target = TRANSITIONS[action].target
    if target is not None:
        dossier.state = target
    if dossier.state in FINAL_STATES and dossier.ended_at is None:
        dossier.ended_at = now
    dossier.national_status = NATIONAL_STATUS[dossier.state]
    dossier.version += 1
    # Only the columns the action changed since _begin read the row: a shorter UPDATE.
    loaded = dossier._loaded_row  # type: ignore[attr-defined]
    with writes_together():  # one statement on PostgreSQL: nothing here reads them back
        _UPDATE_DOSSIER.save(dossier, [k for k, v in _row(dossier).items() if loaded[k] != v])
        # Kept on the instance as its latest event: the answer's actions_available reads it
        # (may_act, sender) without a query.
        dossier._latest_event = _event(  # type: ignore[attr-defined]
            dossier, actor, action, old_state, dossier.state, now, comment=comment, **event
        )
        _notify(dossier, action, note)
        stats_services.dossier_changed(dossier_id=dossier.pk)  # one queue row, no shared counter
    # Last: the audit chain's head row stays locked until the commit, so hold it briefly.
    audit_record_create(
        actor=actor,
        action=f"dossiers.dossier.{action}",
        obj=dossier,
        agency_id=dossier.current_agency_id,
        changes={
            "state": [old_state, dossier.state],
            "version": dossier.version,
            "comment": comment,
            **(changes or {}),
        },
    )
    return dossier


def _step_due(dossier: Dossier, start: datetime) -> datetime | None:
    steps = dossier.procedure.step_list
    if dossier.step_index >= len(steps):
        return None
    step = steps[dossier.step_index]
    return calendar_get().due(start, step.duration, dossier.procedure.time_unit, cutoff=False)


def _pauses(dossier: Dossier) -> list[tuple[datetime, datetime]]:
    return [(p.started_at, p.ended_at) for p in dossier.pauses.all() if p.ended_at is not None]


@prepared_statements()
@transaction.atomic
def dossier_receive(*, actor: User, dossier_id: int, version: int, comment: str = "") -> Dossier:
    """Receive the dossier at the desk: the appointment date follows from the calendar."""
    dossier, old = _begin(actor, dossier_id, version, "receive")
    now = timezone.now()
    procedure = dossier.procedure
    dossier.received_at = now
    dossier.appointment_at = calendar_get().due(now, procedure.processing_time, procedure.time_unit)
    dossier.original_appointment_at = dossier.appointment_at
    dossier.step_index = 0
    dossier.step_due_at = _step_due(dossier, now)
    return _finish(
        dossier,
        actor,
        "receive",
        old,
        now,
        comment=comment,
        step_index=0,
        step_due_at=dossier.step_due_at,
    )


@prepared_statements()
@transaction.atomic
def dossier_request_completion(
    *, actor: User, dossier_id: int, version: int, missing: str
) -> Dossier:
    """Before receipt: ask the citizen to complete the dossier (form 02)."""
    if not missing.strip():
        raise _required("missing", _("Say what the citizen must add or correct."))
    dossier, old = _begin(actor, dossier_id, version, "request_completion")
    return _finish(
        dossier, actor, "request_completion", old, timezone.now(), comment=missing.strip()
    )


@prepared_statements()
@transaction.atomic
def dossier_refuse(*, actor: User, dossier_id: int, version: int, reason: str) -> Dossier:
    """Refuse to receive the dossier, with the reasons (form 03)."""
    if not reason.strip():
        raise _required("reason", _("Give the reason for the refusal."))
    dossier, old = _begin(actor, dossier_id, version, "refuse")
    now = timezone.now()
    return _finish(dossier, actor, "refuse", old, now, comment=reason.strip())


@prepared_statements()
@transaction.atomic
def dossier_hand_over(
    *, actor: User, dossier_id: int, version: int, to_agency: Agency, comment: str = ""
) -> Dossier:
    """Pass the dossier to the next step of the process, in this or another agency."""
    dossier, old = _begin(actor, dossier_id, version, "hand_over")
    if dossier.step_index + 1 >= len(dossier.procedure.step_list):
        raise Conflict(
            _("This is the last step: complete the dossier instead."), code="invalid_transition"
        )
    now = timezone.now()
    from_agency = dossier.current_agency
    # What a recall restores (dossier_recall): the sender's step, assignee and step deadline.
    before = {
        "step_index": dossier.step_index,
        "assignee": dossier.assignee_id,
        "step_due_at": dossier.step_due_at.isoformat() if dossier.step_due_at else None,
    }
    dossier.current_agency = to_agency
    dossier.assignee = None
    dossier.step_index += 1
    dossier.step_due_at = _step_due(dossier, now)
    return _finish(
        dossier, actor, "hand_over", old, now, comment=comment,
        from_agency=from_agency, to_agency=to_agency, step_index=dossier.step_index, step_due_at=dossier.step_due_at,
        data={"before": before},
    )  # fmt: skip


def _when(at: datetime) -> str:
    return datetime_text(at)


def _recall_refused(actor: User, dossier: Dossier) -> Conflict | None:
    """Why ``actor``, who sent a hand-over of ``dossier``, may no longer recall it (the
    dossier's row is locked): the receiving unit acted on it after the hand-over, or the
    hand-over was recalled already. None when ``actor`` sent none of its hand-overs."""
    events = list(
        DossierEvent.objects.filter(dossier=dossier)
        .select_related("from_agency", "to_agency")
        .order_by("-at", "-pk")[:50]
    )
    for i, event in enumerate(events):
        if event.action == "hand_over" and is_sender(actor, event):
            if i == 0:
                return None  # the latest event: nothing refuses it (another check did)
            after = events[i - 1]
            if after.action == "recall":
                return Conflict(
                    _("This hand-over was already recalled (%(when)s, %(who)s).")
                    % {"when": _when(after.at), "who": after.actor_label},
                    code="recall_too_late",
                )
            return Conflict(
                _(
                    "%(agency)s has already acted on this dossier (%(when)s): the hand-over "
                    "can no longer be recalled. Ask them to send it back instead."
                )
                % {
                    "agency": event.to_agency.name if event.to_agency else "",
                    "when": _when(after.at),
                },
                code="recall_too_late",
            )
    return None


@prepared_statements()
@transaction.atomic
def dossier_recall(*, actor: User, dossier_id: int, version: int, reason: str) -> Dossier:
    """Take back a hand-over sent by mistake, before the receiving unit acts on it (no event
    after the hand-over): the dossier returns to the sending agency with the step, assignee,
    step deadline and state it had before the hand-over. Only the officer who handed it over,
    or staff of the sending agency who may hand over (``transitions.may_act``, sender). The
    reason is required: the receiving unit saw the dossier arrive and then leave."""
    if not reason.strip():
        raise _required("reason", _("Give the reason for recalling the hand-over."))
    try:
        dossier, old = _begin(actor, dossier_id, version, "recall")
    except (Conflict, PermissionDenied) as exc:
        # A former sender is told that the receiving unit acted, not merely "changed".
        locked = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
        refused = _recall_refused(actor, locked) if locked is not None else None
        raise (refused or exc) from None
    hand_over = latest_event(dossier)  # a hand-over by actor: may_act checked it under the lock
    assert hand_over is not None and hand_over.from_agency is not None
    before = hand_over.data.get("before") or _before_hand_over(dossier, hand_over)
    now = timezone.now()
    wrong = dossier.current_agency
    assignee = before.get("assignee")
    if assignee is not None:
        from egov.accounts.models import User as UserModel

        assignee = UserModel.objects.filter(pk=assignee, is_active=True).first()
    due = before.get("step_due_at")
    dossier.current_agency = hand_over.from_agency
    dossier.assignee = assignee
    dossier.step_index = before["step_index"]
    dossier.step_due_at = datetime.fromisoformat(due) if due else None
    dossier.state = hand_over.from_state or DossierState.IN_PROGRESS
    return _finish(
        dossier, actor, "recall", old, now, comment=reason.strip(),
        changes={"step_index": [hand_over.step_index, dossier.step_index], "agency": [wrong.pk, hand_over.from_agency_id]},
        from_agency=wrong, to_agency=hand_over.from_agency, step_index=dossier.step_index,
        step_due_at=dossier.step_due_at, data={"hand_over_at": hand_over.at.isoformat()},
    )  # fmt: skip


def _before_hand_over(dossier: Dossier, hand_over: DossierEvent) -> dict[str, Any]:
    """For a hand-over recorded before egov kept what it changed: the step before it, nobody
    assigned, and the step deadline the latest earlier entry gave."""
    earlier = (
        DossierEvent.objects.filter(dossier=dossier, step_due_at__isnull=False)
        .exclude(pk=hand_over.pk)
        .filter(at__lte=hand_over.at)
        .order_by("-at", "-pk")
        .first()
    )
    due = earlier.step_due_at if earlier is not None else None
    return {
        "step_index": max((hand_over.step_index or 1) - 1, 0),
        "assignee": None,
        "step_due_at": due.isoformat() if due else None,
    }


@prepared_statements()
@transaction.atomic
def dossier_assign(
    *, actor: User, dossier_id: int, version: int, assignee: User, comment: str = ""
) -> Dossier:
    """Give the dossier to a specialist or leader of the handling agency, or of a unit under
    it; a specialist may take it for themselves. The assignee may then act as a handler."""
    dossier, old = _begin(actor, dossier_id, version, "assign")
    scope = org_permissions.roles_scope(assignee, *ASSIGNEE_ROLES)
    here = dossier.current_agency.path
    # A role in the handling agency's subtree, or above it (whoever may handle it anyway).
    if not assignee.is_active or not (
        scope.everything or any(p.startswith(here) or here.startswith(p) for p in scope.paths)
    ):
        raise ValidationFailed(
            fields={
                "assignee": [
                    _("Choose a specialist or a leader of %(agency)s or of one of its units.")
                    % {"agency": dossier.current_agency.name}
                ]
            }
        )
    previous = dossier.assignee_id
    dossier.assignee = assignee
    label = assignee.get_full_name() or assignee.sign_in
    return _finish(
        dossier, actor, "assign", old, timezone.now(), comment=comment.strip(),
        changes={"assignee": [previous, assignee.pk]},
        data={"assignee": assignee.pk, "assignee_label": label},
    )  # fmt: skip


def _step_agency(dossier: Dossier, step_index: int) -> Agency:
    """The agency that handled step ``step_index`` last: where the latest hand-over (or return)
    to that step sent the dossier; for the first step, the receiving agency."""
    event = (
        DossierEvent.objects.filter(dossier=dossier, step_index=step_index, to_agency__isnull=False)
        .select_related("to_agency")
        .order_by("-at", "-pk")
        .first()
    )
    if event is not None and event.to_agency is not None:
        return event.to_agency
    return dossier.receiving_agency


@prepared_statements()
@transaction.atomic
def dossier_return_step(
    *, actor: User, dossier_id: int, version: int, to_step: int, reason: str
) -> Dossier:
    """Send the dossier back to an earlier step (``to_step``, 0-based) and to the agency that
    handled it, with the reason; nobody is assigned there and the step's time starts again."""
    dossier, old = _begin(actor, dossier_id, version, "return_step")
    if dossier.step_index == 0:
        raise Conflict(
            _("This is the first step: there is no earlier step to return to."),
            code="invalid_transition",
        )
    errors: dict[str, list[str]] = {}
    if not 0 <= to_step < dossier.step_index:
        errors["to_step"] = [
            _("Choose an earlier step, from 1 to %(last)s.") % {"last": dossier.step_index}
        ]
    if not reason.strip():
        errors["reason"] = [_("Give the reason for returning the dossier.")]
    if errors:
        raise ValidationFailed(fields=errors)
    now = timezone.now()
    from_agency, from_step = dossier.current_agency, dossier.step_index
    to_agency = _step_agency(dossier, to_step)
    dossier.current_agency = to_agency
    dossier.assignee = None
    dossier.step_index = to_step
    dossier.step_due_at = _step_due(dossier, now)
    return _finish(
        dossier, actor, "return_step", old, now, comment=reason.strip(),
        changes={"step_index": [from_step, to_step], "agency": [from_agency.pk, to_agency.pk]},
        from_agency=from_agency, to_agency=to_agency, step_index=to_step,
        step_due_at=dossier.step_due_at, data={"from_step": from_step, "to_step": to_step},
    )  # fmt: skip


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


@prepared_statements()
@transaction.atomic
def dossier_request_payment(
    *, actor: User, dossier_id: int, version: int, amount: int, comment: str
) -> Dossier:
    """Ask the applicant to pay a fee or charge (national status 6): ``amount`` in VND and
    ``comment`` saying what it is for. The clock does not pause."""
    dossier, old = _begin(actor, dossier_id, version, "request_payment")
    errors: dict[str, list[str]] = {}
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = [_("Enter the amount to pay, in VND, more than 0.")]
    if not comment.strip():
        errors["comment"] = [_("Say what the payment is for.")]
    if errors:
        raise ValidationFailed(fields=errors)
    note = _("Amount to pay: %(amount)s VND (%(what)s).") % {
        "amount": _vnd(amount),
        "what": comment.strip(),
    }
    return _finish(
        dossier, actor, "request_payment", old, timezone.now(), comment=comment.strip(),
        changes={"amount": amount}, note=note, data={"amount": amount},
    )  # fmt: skip


@prepared_statements()
@transaction.atomic
def dossier_confirm_payment(
    *, actor: User, dossier_id: int, version: int, comment: str = ""
) -> Dossier:
    """The applicant paid what was asked: processing goes on."""
    dossier, old = _begin(actor, dossier_id, version, "confirm_payment")
    request = (
        DossierEvent.objects.filter(dossier=dossier, action="request_payment")
        .order_by("-at", "-pk")
        .first()
    )
    amount = request.data.get("amount") if request is not None else None
    return _finish(
        dossier, actor, "confirm_payment", old, timezone.now(), comment=comment.strip(),
        changes={"amount": amount}, data={"amount": amount},
    )  # fmt: skip


@prepared_statements()
@transaction.atomic
def dossier_request_supplement(
    *, actor: User, dossier_id: int, version: int, missing: str
) -> Dossier:
    """During processing: ask for more documents; the clock pauses until the citizen answers."""
    if not missing.strip():
        raise _required("missing", _("Say what the citizen must add or correct."))
    dossier, old = _begin(actor, dossier_id, version, "request_supplement")
    now = timezone.now()
    dossier.supplement_count += 1
    dossier.paused_since = now
    DossierPause.objects.create(dossier=dossier, started_at=now)
    return _finish(dossier, actor, "request_supplement", old, now, comment=missing.strip())


@prepared_statements()
def dossier_supplement(
    *,
    actor: User,
    dossier_id: int,
    version: int,
    comment: str = "",
    files: list[Upload] | None = None,
) -> Dossier:
    """The citizen (or the desk for them) supplied what was asked; the clock runs again and
    the appointment moves by the working time the dossier waited."""
    with _discard_files_on_error() as stored, transaction.atomic():
        return _supplement(actor, dossier_id, version, comment, list(files or []), stored)


def _supplement(
    actor: User, dossier_id: int, version: int, comment: str, files: list[Upload], stored: list[str]
) -> Dossier:
    dossier, old = _begin(actor, dossier_id, version, "supplement")
    if not files and not comment.strip():  # nothing supplied: the pause goes on
        message = _("Attach the documents asked for, or write a message to the officer.")
        raise ValidationFailed(message, fields={"files": [message]})
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    _check_files(files, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    _store_uploads(dossier, files, actor, DossierFile.Kind.SUPPLEMENT, now, stored)
    if old == DossierState.COMPLETION_REQUESTED:
        dossier.state = DossierState.SUBMITTED
    else:
        dossier.state = DossierState.IN_PROGRESS
        DossierPause.objects.filter(dossier=dossier, ended_at__isnull=True).update(ended_at=now)
        dossier.paused_since = None
        procedure = dossier.procedure
        assert dossier.received_at is not None
        calendar = calendar_get()
        pauses = _pauses(dossier)
        dossier.appointment_at = calendar.due(
            dossier.received_at, procedure.processing_time, procedure.time_unit, pauses
        )
        dossier.step_due_at = _step_due(dossier, now)
    # The event keeps the step's new due time: the control slip judges the step against it.
    return _finish(
        dossier, actor, "supplement", old, now, comment=comment, step_due_at=dossier.step_due_at
    )


@prepared_statements()
@transaction.atomic
def dossier_apologize(
    *, actor: User, dossier_id: int, version: int, new_appointment: datetime, reason: str
) -> Dossier:
    """The agency will be late: a new appointment date with an apology (form 04)."""
    dossier, old = _begin(actor, dossier_id, version, "apologize")
    limit = getattr(settings, "EGOV_APOLOGY_LIMIT", 1)
    errors: dict[str, list[str]] = {}
    if dossier.apology_count >= limit:
        raise Conflict(
            _("An apology with a new date has already been issued for this dossier."),
            code="apology_limit",
        )
    if not reason.strip():
        errors["reason"] = [_("Give the reason for the delay.")]
    if dossier.appointment_at and new_appointment <= dossier.appointment_at:
        errors["new_appointment"] = [_("The new appointment must be later than the current one.")]
    if errors:
        raise ValidationFailed(fields=errors)
    previous = dossier.appointment_at
    dossier.appointment_at = new_appointment
    dossier.apology_count += 1
    return _finish(
        dossier, actor, "apologize", old, timezone.now(), comment=reason.strip(),
        data={"previous_appointment": previous.isoformat() if previous else None, "new_appointment": new_appointment.isoformat()},
    )  # fmt: skip


@prepared_statements()
def dossier_complete(
    *,
    actor: User,
    dossier_id: int,
    version: int,
    comment: str = "",
    files: list[Upload] | None = None,
) -> Dossier:
    """A leader approves: processing is done (national status 9).

    ``files`` are the result (the permit, the certificate…), stored as result files after
    the same checks as a submission's files; one bad file refuses the whole call. A result
    file is never required here, even when the catalog describes an electronic result.
    """
    with _discard_files_on_error() as stored, transaction.atomic():
        dossier, old = _begin(actor, dossier_id, version, "complete")
        files = list(files or [])
        errors: dict[str, list[str]] = {}
        _check_files(files, errors)
        if errors:
            raise ValidationFailed(fields=errors)
        now = timezone.now()
        _store_uploads(dossier, files, actor, DossierFile.Kind.RESULT, now, stored)
        dossier.processed_at = now
        dossier.step_due_at = None
        return _finish(
            dossier, actor, "complete", old, now, comment=comment,
            changes={"result_files": len(files)} if files else None,
        )  # fmt: skip


@prepared_statements()
@transaction.atomic
def dossier_return_result(
    *, actor: User, dossier_id: int, version: int, comment: str = ""
) -> Dossier:
    dossier, old = _begin(actor, dossier_id, version, "return_result")
    now = timezone.now()
    dossier.returned_at = now
    return _finish(dossier, actor, "return_result", old, now, comment=comment)


@prepared_statements()
@transaction.atomic
def dossier_stop(*, actor: User, dossier_id: int, version: int, reason: str) -> Dossier:
    """Stop processing, with the reason (form 05)."""
    if not reason.strip():
        raise _required("reason", _("Give the reason for stopping."))
    dossier, old = _begin(actor, dossier_id, version, "stop")
    now = timezone.now()
    return _finish(dossier, actor, "stop", old, now, comment=reason.strip())


@prepared_statements()
@transaction.atomic
def dossier_request_withdrawal(
    *, actor: User, dossier_id: int, version: int, reason: str = ""
) -> Dossier:
    dossier, old = _begin(actor, dossier_id, version, "request_withdrawal")
    return _finish(
        dossier,
        actor,
        "request_withdrawal",
        old,
        timezone.now(),
        comment=reason.strip(),
        data={"state_before": old},
    )


@prepared_statements()
@transaction.atomic
def dossier_approve_withdrawal(
    *, actor: User, dossier_id: int, version: int, comment: str = ""
) -> Dossier:
    dossier, old = _begin(actor, dossier_id, version, "approve_withdrawal")
    now = timezone.now()
    return _finish(dossier, actor, "approve_withdrawal", old, now, comment=comment)


@transaction.atomic
def dossier_rate(*, actor: User, dossier_id: int, value: str, comment: str = "") -> DossierRating:
    """The applicant rates the service once the dossier is processed; once only."""
    dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
    if dossier is None or dossier.applicant_id != actor.pk:
        raise NotFound(_("Dossier not found."))
    if dossier.state not in (DossierState.PROCESSED, DossierState.RESULT_RETURNED):
        raise Conflict(
            _("You can rate the service once the dossier is processed."), code="invalid_transition"
        )
    if value not in Satisfaction.values:
        raise ValidationFailed(
            fields={"value": [_("Choose very satisfied, satisfied or not satisfied.")]}
        )
    if DossierRating.objects.filter(dossier=dossier).exists():
        raise Conflict(_("You have already rated this dossier."), code="already_rated")
    rating = DossierRating.objects.create(
        dossier=dossier,
        value=value,
        comment=comment.strip()[:2000],
        rated_at=timezone.now(),
        rated_by=actor,
    )
    audit_record_create(
        actor=actor,
        action="dossiers.dossier.rate",
        obj=dossier,
        agency_id=dossier.receiving_agency_id,
        changes={"value": value},
    )
    return rating


# --- One entry point for every action (the API and the pages) ------------------------------


@dataclass(frozen=True)
class ActionInput:
    """What an actor sends with an action; each action reads the fields it needs."""

    version: int
    comment: str = ""
    reason: str = ""
    missing: str = ""
    to_agency: Agency | None = None  # hand_over
    assignee: User | None = None  # assign; None: the actor takes it
    to_step: int | None = None  # return_step: 0-based index of an earlier step
    new_appointment: datetime | None = None  # apologize
    amount: int | None = None  # request_payment, in VND
    files: tuple[Upload, ...] = ()  # supplement, complete (result files)


def dossier_act(*, actor: User, dossier_id: int, action: str, data: ActionInput) -> Dossier:
    """Take ``action`` (a name of ``transitions.TRANSITIONS``) on the dossier with ``data``.

    Unknown action: NotFound. A missing input the action needs: ValidationFailed on its field.
    Then the action's own service checks the version, the state and the actor.
    """
    if action not in TRANSITIONS:
        raise NotFound(_("Unknown action."))
    common: dict[str, Any] = {"actor": actor, "dossier_id": dossier_id, "version": data.version}
    match action:
        case "receive":
            return dossier_receive(**common, comment=data.comment)
        case "return_result":
            return dossier_return_result(**common, comment=data.comment)
        case "approve_withdrawal":
            return dossier_approve_withdrawal(**common, comment=data.comment)
        case "confirm_payment":
            return dossier_confirm_payment(**common, comment=data.comment)
        case "request_completion":
            return dossier_request_completion(**common, missing=data.missing)
        case "request_supplement":
            return dossier_request_supplement(**common, missing=data.missing)
        case "refuse":
            return dossier_refuse(**common, reason=data.reason)
        case "stop":
            return dossier_stop(**common, reason=data.reason)
        case "request_withdrawal":
            return dossier_request_withdrawal(**common, reason=data.reason)
        case "supplement":
            return dossier_supplement(**common, comment=data.comment, files=list(data.files))
        case "complete":
            return dossier_complete(**common, comment=data.comment, files=list(data.files))
        case "assign":
            return dossier_assign(**common, assignee=data.assignee or actor, comment=data.comment)
        case "hand_over":
            if data.to_agency is None:
                raise _required("to_agency", _("Choose the agency that handles the next step."))
            return dossier_hand_over(**common, to_agency=data.to_agency, comment=data.comment)
        case "recall":
            return dossier_recall(**common, reason=data.reason)
        case "return_step":
            if data.to_step is None:
                raise _required("to_step", _("Choose the step to return the dossier to."))
            return dossier_return_step(**common, to_step=data.to_step, reason=data.reason)
        case "request_payment":
            if data.amount is None:
                raise _required("amount", _("Enter the amount to pay, in VND, more than 0."))
            return dossier_request_payment(**common, amount=data.amount, comment=data.comment)
        case "apologize":
            if data.new_appointment is None:
                raise _required("new_appointment", _("Give the new appointment."))
            return dossier_apologize(
                **common, new_appointment=data.new_appointment, reason=data.reason
            )
    raise NotFound(_("Unknown action."))  # an action of TRANSITIONS without a service


# --- Files no dossier refers to ----------------------------------------------------------------


def dossier_files_orphans_remove(
    *, older_than: timedelta = timedelta(hours=24), dry_run: bool = False
) -> list[str]:
    """Delete stored files under ``dossiers/`` that no ``DossierFile`` refers to and that were
    written more than ``older_than`` ago; returns their names (with ``dry_run``, only lists
    them).

    A service stores files before its transaction commits and removes them if the transaction
    fails; when an outer transaction rolls back after the service returned, its files stay
    behind with no row. The age limit keeps files of transactions still running."""
    cutoff = timezone.now() - older_than
    storage = DossierFile._meta.get_field("file").storage  # type: ignore[attr-defined]
    found: list[str] = []

    def walk(folder: str) -> None:
        folders, files = storage.listdir(folder)
        for sub in sorted(folders):
            walk(f"{folder}/{sub}")
        names = [f"{folder}/{name}" for name in files]
        for start in range(0, len(names), 500):
            batch = names[start : start + 500]
            known = set(DossierFile.objects.filter(file__in=batch).values_list("file", flat=True))
            found.extend(
                n for n in batch if n not in known and storage.get_modified_time(n) < cutoff
            )

    if storage.exists("dossiers"):
        walk("dossiers")
    if not dry_run:
        for name in found:
            storage.delete(name)
        if found:
            logger.warning("removed %s dossier files no dossier refers to", len(found))
    return found
