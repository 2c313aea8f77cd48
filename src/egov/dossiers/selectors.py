"""Reads of dossiers: officers' inboxes, citizens' own dossiers, the public lookup."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import psycopg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.accounts.validators import normalize_mobile_phone
from egov.core.errors import NotFound, TooManyRequests, ValidationFailed
from egov.dossiers.models import (
    FINAL_STATES,
    STATE_LABELS,
    Dossier,
    DossierEvent,
    DossierFile,
    DossierState,
    LookupThrottle,
)
from egov.dossiers.transitions import ASSIGNEE_ROLES, TRANSITIONS, Actor, may_act
from egov.organizations import permissions as org_permissions
from egov.organizations.models import Agency, StaffRole
from egov.procedures.models import Procedure

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User

STAFF_ROLES = (StaffRole.DESK_OFFICER, StaffRole.SPECIALIST, StaffRole.LEADER)


def _base() -> QuerySet[Dossier]:
    return Dossier.objects.select_related(
        "procedure", "receiving_agency", "current_agency", "assignee"
    )


def staff_dossiers(user: User | AnonymousUser | None) -> QuerySet[Dossier]:
    """Dossiers a staff member may see: received by, or handled now in, their agencies, and
    the ones assigned to them (a unit's specialist, on a dossier of the department above)."""
    scope = org_permissions.roles_scope(user, *STAFF_ROLES)
    wide = org_permissions.read_scope(user)
    if wide.everything:
        return _base()
    if not scope.paths:
        return Dossier.objects.none()
    return _base().filter(
        scope.q("receiving_agency__") | scope.q("current_agency__") | Q(assignee=user)
    )


@dataclass(frozen=True)
class InboxFilters:
    state: str = ""
    procedure: str = ""
    due: str = ""  # "soon" (within 2 days) or "overdue"
    mine: bool = False


def inbox(*, user: User, filters: InboxFilters) -> QuerySet[Dossier]:
    """An officer's work: open dossiers of their agencies, the ones due first."""
    qs = staff_dossiers(user).exclude(state__in=FINAL_STATES)
    if filters.state:
        if filters.state not in DossierState.values:
            raise ValidationFailed(fields={"state": [_("Unknown state.")]})
        qs = qs.filter(state=filters.state)
    if filters.procedure:
        qs = qs.filter(procedure__code=filters.procedure)
    now = timezone.now()
    if filters.due == "overdue":
        qs = qs.filter(appointment_at__lt=now)
    elif filters.due == "soon":
        qs = qs.filter(appointment_at__gte=now, appointment_at__lt=now + timedelta(days=2))
    elif filters.due:
        raise ValidationFailed(fields={"due": [_("Use 'soon' or 'overdue'.")]})
    if filters.mine:
        qs = qs.filter(assignee=user)
    return qs.order_by("appointment_at", "submitted_at")


def staff_dossier_get(*, user: User | AnonymousUser | None, dossier_id: int) -> Dossier:
    """A dossier ``user`` may see; also, while they may still recall its hand-over, the
    dossier they sent out of their agencies (so that the page and the API offer the recall)."""
    dossier = staff_dossiers(user).filter(pk=dossier_id).first()
    if dossier is None and org_permissions.is_staff_member(user):
        sent = _base().filter(pk=dossier_id).first()
        if sent is not None and may_act(user, sent, Actor.SENDER):
            dossier = sent
    if dossier is None:
        raise NotFound(_("Dossier not found."))
    return dossier


def citizen_dossiers(*, user: User) -> QuerySet[Dossier]:
    return _base().filter(applicant=user).order_by("-submitted_at")


def citizen_dossier_get(*, user: User, dossier_id: int) -> Dossier:
    dossier = citizen_dossiers(user=user).filter(pk=dossier_id).first()
    if dossier is None:
        raise NotFound(_("Dossier not found."))
    return dossier


# Public lookup: a dossier code and the second factor printed on the receipt (or the phone
# number given at submission). Failures are counted per client address and per code.
LOOKUP_FAILURES_PER_ADDRESS = 20
LOOKUP_FAILURES_PER_CODE = 10
LOOKUP_WINDOW_SECONDS = 15 * 60


def _count_failures(keys: list[str], now: datetime) -> None:
    """Count a failed lookup against each key, in its current window or a new one."""
    with transaction.atomic():
        for key in keys:
            if LookupThrottle.objects.filter(key=key, window_ends_at__gt=now).update(
                failures=F("failures") + 1
            ):
                continue
            ends = now + timedelta(seconds=LOOKUP_WINDOW_SECONDS)
            LookupThrottle.objects.update_or_create(
                key=key, defaults={"failures": 1, "window_ends_at": ends}
            )
        # Windows that ended a day ago are of no more use.
        LookupThrottle.objects.filter(window_ends_at__lt=now - timedelta(days=1)).delete()


@functools.cache
def _lookup_sql(vendor: str) -> str:
    """The public lookup's one query: the dossier's shown columns, both failure counters and
    the timeline as a JSON array (PostgreSQL ``json_agg``, SQLite ``json_group_array``).

    Written out rather than built with the ORM: building this query with subqueries took
    longer than running it (about 2 ms per lookup), and the lookup is the busiest public
    page. Parameters: address key, now, code key, now, code."""
    q = connection.ops.quote_name
    dossier, event = q(Dossier._meta.db_table), q(DossierEvent._meta.db_table)
    procedure, agency = q(Procedure._meta.db_table), q(Agency._meta.db_table)
    throttle = q(LookupThrottle._meta.db_table)
    rows, row = (
        ("JSON_AGG", "JSON_BUILD_ARRAY")
        if vendor == "postgresql"
        else ("JSON_GROUP_ARRAY", "JSON_ARRAY")
    )
    failures = (
        f"(SELECT t.failures FROM {throttle} t WHERE t.{q('key')} = %s AND t.window_ends_at > %s)"  # noqa: S608
    )
    return f"""
        SELECT d.code, d.state, d.national_status, d.submitted_at, d.received_at,
            d.appointment_at, d.processed_at, d.lookup_secret, d.applicant_phone, p.name, a.name,
            {failures}, {failures},
            (SELECT {rows}({row}(e.id, e.at, e.action, e.from_state, e.to_state, e.comment, g.name))
             FROM {event} e LEFT JOIN {agency} g ON g.id = e.to_agency_id WHERE e.dossier_id = d.id)
        FROM {dossier} d JOIN {procedure} p ON p.id = d.procedure_id
            JOIN {agency} a ON a.id = d.receiving_agency_id
        WHERE d.code = %s"""  # noqa: S608


def _fetch_one_prepared(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    """One row of ``sql``. On PostgreSQL as a prepared statement, planned once per database
    connection: planning the lookup's query (0.25 ms) cost three times its execution. Django's
    cursors bind parameters on the client, which rules preparing out, so this takes a
    server-binding psycopg cursor on Django's connection (same adapters, same transaction).
    With ``EGOV_DB_PREPARE=false`` (for a PgBouncer in transaction mode older than 1.21) the
    statement is not prepared."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    with connection.wrap_database_errors:
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchone()


def _moment(value: Any) -> Any:
    """A timestamp read by plain SQL as an aware datetime: PostgreSQL gives aware datetimes,
    and ISO text with an offset inside JSON; SQLite gives naive datetimes, and text inside
    JSON, both in UTC (as Django stores them). None stays None."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


@dataclass(frozen=True)
class PublicDossier:
    """What the public lookup shows of a dossier: no applicant, no officer."""

    code: str
    state: str
    national_status: int
    procedure_name: str
    receiving_agency_name: str
    submitted_at: datetime
    received_at: datetime | None
    appointment_at: datetime | None
    processed_at: datetime | None
    events: list[PublicEvent]

    def get_state_display(self) -> str:
        return _state_labels(translation.get_language()).get(self.state, self.state)


def dossier_lookup(*, code: str, secret: str, client: str) -> PublicDossier:
    """The public view of dossier ``code`` if ``secret`` is its lookup code or its applicant's
    phone number, read in one query with its timeline and the failure counters.

    Wrong answers are throttled per client address and per code; the error never tells
    whether the code exists.
    """
    code, secret = code.strip().upper(), secret.strip()
    now = timezone.now()
    keys = [f"addr:{client}"[:100], f"code:{code}"[:100]]
    row = None
    if code:
        at = connection.ops.adapt_datetimefield_value(now)
        row = _fetch_one_prepared(_lookup_sql(connection.vendor), [keys[0], at, keys[1], at, code])
    if row is None:  # no such dossier: the counters alone
        counts = dict(
            LookupThrottle.objects.filter(key__in=keys, window_ends_at__gt=now).values_list(
                "key", "failures"
            )
        )
        failures = (counts.get(keys[0]) or 0, counts.get(keys[1]) or 0)
    else:
        failures = (row[-3] or 0, row[-2] or 0)
    if failures[0] >= LOOKUP_FAILURES_PER_ADDRESS or failures[1] >= LOOKUP_FAILURES_PER_CODE:
        raise TooManyRequests(_("Too many failed lookups. Please wait 15 minutes and try again."))
    if not code or not secret:
        raise ValidationFailed(
            fields={"code": [_("Enter the dossier code and the lookup code from your receipt.")]}
        )
    matches = False
    if row is not None:
        lookup_secret, phone = row[7], row[8]
        if secret.upper() == lookup_secret:
            matches = True
        elif phone:
            try:
                matches = normalize_mobile_phone(secret) == phone
            except ValidationError:
                matches = False
    if not matches:
        _count_failures(keys, now)
        raise NotFound(_("No dossier matches this code and lookup code."))
    assert row is not None
    return _public_dossier(row)


@functools.lru_cache(maxsize=16)
def _state_labels(language: str | None) -> dict[str, str]:
    """The states' labels in ``language``, the active language (called with it)."""
    return {state: str(label) for state, label in STATE_LABELS.items()}


def _public_dossier(row: tuple[Any, ...]) -> PublicDossier:
    # Translated once per language, not once per event (nor DossierState.choices, which
    # builds a new list on every call).
    labels = _state_labels(translation.get_language())
    timeline = row[-1]
    if isinstance(timeline, str):  # SQLite gives the JSON text, psycopg the decoded value
        timeline = json.loads(timeline)
    events = sorted(
        ((_moment(at), pk, action, old, new, comment or "", agency or "")
         for pk, at, action, old, new, comment, agency in timeline or []),
        key=lambda e: (e[0], e[1]),
    )  # fmt: skip
    return PublicDossier(
        code=row[0],
        state=row[1],
        national_status=row[2],
        submitted_at=_moment(row[3]),
        received_at=_moment(row[4]),
        appointment_at=_moment(row[5]),
        processed_at=_moment(row[6]),
        procedure_name=row[9],
        receiving_agency_name=row[10],
        events=[
            PublicEvent(
                at=at,
                action=action,
                from_state=old,
                to_state=new,
                state_label=labels.get(new, new),
                comment=comment if action in PUBLIC_COMMENTS else "",
                agency=agency,
            )
            for at, _pk, action, old, new, comment, agency in events
        ],
    )


def overdue_q() -> Q:
    return Q(appointment_at__lt=timezone.now()) & ~Q(state__in=FINAL_STATES)


def actions_available(*, user: User | AnonymousUser | None, dossier: Dossier) -> list[str]:
    """The actions (names of ``transitions.TRANSITIONS``, in its order) ``user`` may take on
    ``dossier`` now: allowed from its state, ``user`` is the right actor, and the action's
    own conditions hold (a next step for hand_over, an earlier one for return_step, the
    apology limit). Rating is not a transition: it is never listed."""
    steps: int | None = None
    limit = getattr(settings, "EGOV_APOLOGY_LIMIT", 1)
    actions = []
    for action, transition in TRANSITIONS.items():
        if dossier.state not in transition.sources:
            continue
        if action == "return_step" and dossier.step_index == 0:
            continue
        if action == "apologize" and dossier.apology_count >= limit:
            continue
        if action == "hand_over":
            if steps is None:
                steps = len(dossier.procedure.step_list)
            if dossier.step_index + 1 >= steps:
                continue
        if may_act(user, dossier, transition.actor):
            actions.append(action)
    return actions


# Actions whose comment is meant for the citizen (what to add, why refused, stopped, late).
CITIZEN_COMMENTS = frozenset(
    {"request_completion", "request_supplement", "refuse", "stop", "apologize", "request_payment",
     "supplement", "request_withdrawal"}
)  # fmt: skip
# On the public lookup: never what the citizen wrote.
PUBLIC_COMMENTS = CITIZEN_COMMENTS - {"supplement", "request_withdrawal"}


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    action: str
    to_state: str
    state_label: str
    comment: str
    agency: str
    from_state: str = ""


def applicant_events(dossier: Dossier) -> list[PublicEvent]:
    """The timeline as the applicant sees it: what happened and when, not who inside the
    administration did it; comments only where they are addressed to the citizen or written
    by them. (The public lookup reads its own, narrower timeline: ``dossier_lookup``.)"""
    labels = dict(DossierState.choices)
    return [
        PublicEvent(
            at=e.at,
            action=e.action,
            to_state=e.to_state,
            state_label=str(labels.get(e.to_state, e.to_state)),
            comment=e.comment if e.action in CITIZEN_COMMENTS else "",
            agency=e.to_agency.name if e.to_agency_id and e.to_agency else "",
            from_state=e.from_state,
        )
        for e in dossier.events.select_related("to_agency").order_by("at", "pk")
    ]


def last_request(dossier: Dossier) -> DossierEvent | None:
    """The latest request to complete or supplement the dossier (what the citizen must add)."""
    return (
        dossier.events.filter(action__in=("request_completion", "request_supplement"))
        .order_by("-at", "-pk")
        .first()
    )


def dossier_file_get(*, dossier: Dossier, file_id: int) -> DossierFile:
    record = dossier.files.filter(pk=file_id).first()
    if record is None:
        raise NotFound(_("File not found."))
    return record


def staff_search(*, user: User, filters: InboxFilters, q: str = "") -> QuerySet[Dossier]:
    """The inbox, or with ``q`` (a code or part of the applicant's name) or a final state,
    every dossier of the officer's agencies, open or closed, the newest first."""
    q = q.strip()
    if not q and filters.state not in FINAL_STATES:
        return inbox(user=user, filters=filters)
    qs = staff_dossiers(user)
    if filters.state:
        if filters.state not in DossierState.values:
            raise ValidationFailed(fields={"state": [_("Unknown state.")]})
        qs = qs.filter(state=filters.state)
    if filters.procedure:
        qs = qs.filter(procedure__code=filters.procedure)
    if filters.mine:
        qs = qs.filter(assignee=user)
    if q:
        qs = qs.filter(Q(code__istartswith=q) | Q(applicant_name__icontains=q))
    return qs.order_by("-submitted_at")


def assignable_staff(dossier: Dossier) -> QuerySet[User]:
    """Staff who may be given the dossier: specialists and leaders of the agency that has it
    now, of its units, or above it (as ``services.dossier_assign`` accepts)."""
    from egov.accounts.models import User
    from egov.organizations.models import StaffAssignment

    agency = dossier.current_agency
    holders = StaffAssignment.objects.filter(role__in=ASSIGNEE_ROLES).filter(
        Q(agency__path__startswith=agency.path)
        | Q(agency__pk__in=[int(pk) for pk in agency.path.strip("/").split("/") if pk])
    )
    return User.objects.filter(is_active=True, pk__in=holders.values("user_id")).order_by(
        "full_name"
    )


def next_step_agency(dossier: Dossier) -> Agency | None:
    """Where the procedure's next step is handled, as the hand-over form's default choice.

    Steps name a role and, in words, a handler, not an agency; so: the active agency whose
    name, short name or identifier code the step's handler is (diacritics and case aside);
    else the receiving agency for a desk officer's step; else the implementing agency when
    the dossier is still outside it (at the receiving desk); else where it is now (the next
    step is in the same agency: a leader signs after the specialist). None on the last step.
    """
    from egov.core.text import fold

    steps = dossier.procedure.step_list
    if dossier.step_index + 1 >= len(steps):
        return None
    step = steps[dossier.step_index + 1]
    handler = fold(step.handler)
    if handler:
        for agency in Agency.objects.filter(is_active=True, search_text__contains=handler)[:20]:
            if handler in (fold(agency.name), fold(agency.short_name), fold(agency.code)):
                return agency
    if step.role == StaffRole.DESK_OFFICER:
        return dossier.receiving_agency
    implementing = dossier.procedure.implementing_agency
    current = dossier.current_agency
    if (
        implementing is not None
        and implementing.is_active
        and not current.path.startswith(implementing.path)
    ):
        return implementing
    return current


def staff_events(dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.select_related("from_agency", "to_agency").order_by("at", "pk")


def staff_agencies(user: User) -> QuerySet[Agency]:
    """Agencies where ``user`` handles dossiers (for the register of a period)."""
    from egov.organizations.models import Agency

    scope = org_permissions.roles_scope(user, *STAFF_ROLES)
    return Agency.objects.filter(scope.q(), is_active=True).order_by("path")


def desk_agencies(user: User) -> QuerySet[Agency]:
    """Agencies where ``user`` receives dossiers at the desk."""
    from egov.organizations.models import Agency

    scope = org_permissions.roles_scope(user, StaffRole.DESK_OFFICER)
    return Agency.objects.filter(scope.q(), is_active=True).order_by("path")


def desk_procedures(user: User) -> QuerySet[Procedure]:
    """Published procedures a desk officer may receive: those received (or, with no receiving
    agency, implemented) by one of their agencies, and those every commune implements when
    they sit at such an agency."""
    from egov.procedures.models import Procedure

    agencies = desk_agencies(user)
    return (
        Procedure.objects.filter(is_published=True)
        .filter(
            Q(receiving_agency__in=agencies)
            | Q(receiving_agency__isnull=True, implementing_agency__in=agencies)
            | Q(
                receiving_agency__isnull=True,
                implementing_agency__isnull=True,
                implementing_agency_type__in=agencies.values("type_id"),
            )
        )
        .select_related("sector")
        .order_by("sector__code", "name")
    )


# --- The citizen's dossier page: where the dossier stands and what comes next ----------------

# How long the citizen is given to supplement or complete the dossier, in working days from
# the request, when the request names no date. No general legal deadline is known to egov
# [verify]; a province may ask for another by changing this number.
SUPPLEMENT_WORKING_DAYS = 10

# The stages a citizen follows, each with the states in which it is the current stage.
CITIZEN_STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("submitted", (DossierState.SUBMITTED, DossierState.COMPLETION_REQUESTED)),
    ("received", (DossierState.RECEIVED,)),
    (
        "in_progress",
        (
            DossierState.IN_PROGRESS,
            DossierState.SUPPLEMENT_REQUESTED,
            DossierState.PAYMENT_REQUESTED,
            DossierState.WITHDRAWAL_REQUESTED,
        ),
    ),
    ("processed", (DossierState.PROCESSED,)),
    ("result_returned", (DossierState.RESULT_RETURNED,)),
)
# The first state that reaches each stage (its date is the first event into one of them).
_STAGE_REACHED: dict[str, tuple[str, ...]] = {
    "submitted": (DossierState.SUBMITTED,),
    "received": (DossierState.RECEIVED,),
    "in_progress": (DossierState.IN_PROGRESS,),
    "processed": (DossierState.PROCESSED,),
    "result_returned": (DossierState.RESULT_RETURNED,),
}


def _stage_label(key: str) -> str:
    return {
        "submitted": _("Submitted"),
        "received": _("Received"),
        "in_progress": _("Being processed"),
        "processed": _("Result ready"),
        "result_returned": _("Result returned"),
    }[key]


def next_step_text(state: str) -> str:
    """One sentence for the citizen: what happens next in ``state``."""
    texts: dict[str, str] = {
        DossierState.SUBMITTED: _(
            "The desk checks your dossier, then receives it or tells you what is missing."
        ),
        DossierState.COMPLETION_REQUESTED: _(
            "Send the documents asked for below; the desk then checks your dossier again."
        ),
        DossierState.REFUSED: _(
            "Your dossier was not received; the reason is in the history. You may submit a new "
            "dossier."
        ),
        DossierState.RECEIVED: _(
            "Your dossier goes to the office that processes it; you are told of each change."
        ),
        DossierState.IN_PROGRESS: _(
            "The office is processing your dossier; the result is due by the appointment date."
        ),
        DossierState.SUPPLEMENT_REQUESTED: _(
            "Processing is paused until you send the documents asked for below; then it goes "
            "on and the appointment moves by the time it waited."
        ),
        DossierState.PAYMENT_REQUESTED: _(
            "Pay the amount asked for; processing goes on once the payment is confirmed."
        ),
        DossierState.WITHDRAWAL_REQUESTED: _(
            "The office decides on your request to withdraw the dossier."
        ),
        DossierState.WITHDRAWN: _("The dossier was withdrawn; nothing more happens."),
        DossierState.STOPPED: _("Processing was stopped; the reason is in the history."),
        DossierState.PROCESSED: _(
            "Your result is ready: collect it at the desk, or download it below if it is attached."
        ),
        DossierState.RESULT_RETURNED: _(
            "The result was returned to you; you may rate the service below."
        ),
    }
    return str(texts.get(state, ""))


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    at: datetime | None  # when the dossier reached it; None while ahead
    status: str  # "done", "current" or "upcoming"
    detail: str = ""  # the procedure's step, for the stage being processed


@dataclass(frozen=True)
class CitizenProgress:
    stages: list[Stage]
    next_step: str
    waiting_for_citizen: bool  # asked to supplement or complete: the next move is theirs
    supplement_by: datetime | None
    request: DossierEvent | None


def citizen_progress(dossier: Dossier, events: list[PublicEvent]) -> CitizenProgress:
    """The citizen's view of where ``dossier`` stands: each stage with the date it was
    reached, the current one, what happens next, and while the dossier waits for the citizen
    to supplement it, the date to do it by (``SUPPLEMENT_WORKING_DAYS`` after the request)."""
    from egov.worktime.selectors import calendar_get

    state = dossier.state
    reached: dict[str, datetime] = {}
    for e in events:
        for key, states in _STAGE_REACHED.items():
            if e.to_state in states and key not in reached:
                reached[key] = e.at
    reached.setdefault("submitted", dossier.submitted_at)
    current = next((key for key, states in CITIZEN_STAGES if state in states), "")
    stages: list[Stage] = []
    status = "done"
    steps = list(dossier.procedure.steps.all()) if current == "in_progress" else []
    for key, _states in CITIZEN_STAGES:
        if key == current:
            status = "current"
        detail = ""
        if key == current == "in_progress" and 0 <= dossier.step_index < len(steps):
            detail = _("Step %(n)s of %(total)s: %(name)s") % {
                "n": dossier.step_index + 1,
                "total": len(steps),
                "name": steps[dossier.step_index].name,
            }
        if not current and key not in reached:
            break  # ended off the usual path (refused, withdrawn, stopped): stop where it did
        stages.append(Stage(key, _stage_label(key), reached.get(key), status, detail))
        if status == "current":
            status = "upcoming"
    if not current:
        last = events[-1].at if events else None
        stages.append(Stage(state, str(STATE_LABELS.get(state, state)), last, "current"))
    waiting = state in (DossierState.SUPPLEMENT_REQUESTED, DossierState.COMPLETION_REQUESTED)
    request = last_request(dossier) if waiting else None
    supplement_by = None
    if request is not None:
        supplement_by = calendar_get().due(request.at, SUPPLEMENT_WORKING_DAYS, "working_days")
    return CitizenProgress(stages, next_step_text(state), waiting, supplement_by, request)
