"""Reads of dossiers: officers' inboxes, citizens' own dossiers, the public lookup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.validators import normalize_mobile_phone
from egov.core.errors import NotFound, TooManyRequests, ValidationFailed
from egov.dossiers.models import FINAL_STATES, Dossier, DossierEvent, DossierFile, DossierState
from egov.dossiers.transitions import TRANSITIONS, may_act
from egov.organizations import permissions as org_permissions
from egov.organizations.models import StaffRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User
    from egov.organizations.models import Agency
    from egov.procedures.models import Procedure

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
    dossier = staff_dossiers(user).filter(pk=dossier_id).first()
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


def _count_failure(key: str) -> None:
    if cache.add(key, 1, LOOKUP_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired meanwhile
        cache.set(key, 1, LOOKUP_WINDOW_SECONDS)


LOOKUP_FIELDS = (
    "code", "state", "national_status", "submitted_at", "received_at", "appointment_at",
    "processed_at", "lookup_secret", "applicant_phone", "procedure__name",
    "receiving_agency__name",
)  # fmt: skip


def dossier_lookup(*, code: str, secret: str, client: str) -> Dossier:
    """The dossier ``code`` if ``secret`` is its lookup code or its applicant's phone number.

    Wrong answers are throttled; the error never tells whether the code exists.
    """
    code, secret = code.strip().upper(), secret.strip()
    address_key, code_key = f"lookup:addr:{client}", f"lookup:code:{code}"
    counts = cache.get_many([address_key, code_key])  # one query for both counters
    if (
        int(counts.get(address_key, 0)) >= LOOKUP_FAILURES_PER_ADDRESS
        or int(counts.get(code_key, 0)) >= LOOKUP_FAILURES_PER_CODE
    ):
        raise TooManyRequests(_("Too many failed lookups. Please wait 15 minutes and try again."))
    if not code or not secret:
        raise ValidationFailed(
            fields={"code": [_("Enter the dossier code and the lookup code from your receipt.")]}
        )
    # The code is unique: no ordering, one join (the procedure), only the columns shown.
    dossier = next(
        iter(
            Dossier.objects.select_related("procedure", "receiving_agency")
            .only(*LOOKUP_FIELDS)
            .filter(code=code)
            .order_by()[:1]
        ),
        None,
    )
    matches = False
    if dossier is not None:
        if secret.upper() == dossier.lookup_secret:
            matches = True
        elif dossier.applicant_phone:
            try:
                matches = normalize_mobile_phone(secret) == dossier.applicant_phone
            except ValidationError:
                matches = False
    if not matches:
        _count_failure(address_key)
        _count_failure(code_key)
        raise NotFound(_("No dossier matches this code and lookup code."))
    assert dossier is not None
    return dossier


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


def public_event_rows(dossier: Dossier) -> list[dict[str, Any]]:
    """The public lookup's timeline as plain rows, in one query (no model instances): what
    happened and when, not who did it, with only the comments addressed to the citizen."""
    rows = dossier.events.order_by("at", "pk").values_list(
        "at", "action", "from_state", "to_state", "comment"
    )
    return [
        {"at": at, "action": action, "actor": "", "from_state": old, "to_state": new,
         "comment": comment if action in PUBLIC_COMMENTS else "", "data": {}}
        for at, action, old, new, comment in rows
    ]  # fmt: skip


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    action: str
    to_state: str
    state_label: str
    comment: str
    agency: str


def public_events(dossier: Dossier, *, for_applicant: bool) -> list[PublicEvent]:
    """The timeline as the citizen sees it: what happened and when, not who inside the
    administration did it; comments only where they are addressed to the citizen (and, for
    the public lookup, never what the citizen wrote)."""
    labels = dict(DossierState.choices)
    shown = CITIZEN_COMMENTS if for_applicant else PUBLIC_COMMENTS
    return [
        PublicEvent(
            at=e.at,
            action=e.action,
            to_state=e.to_state,
            state_label=str(labels.get(e.to_state, e.to_state)),
            comment=e.comment if e.action in shown else "",
            agency=e.to_agency.name if e.to_agency_id and e.to_agency else "",
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
    """Staff who may be given the dossier: handlers of the agency that has it now."""
    from egov.accounts.models import User
    from egov.organizations.models import StaffAssignment

    agency = dossier.current_agency
    holders = StaffAssignment.objects.filter(role__in=STAFF_ROLES).filter(
        Q(agency__path__startswith=agency.path)
        | Q(agency__pk__in=[int(pk) for pk in agency.path.strip("/").split("/") if pk])
    )
    return User.objects.filter(is_active=True, pk__in=holders.values("user_id")).order_by(
        "full_name"
    )


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
