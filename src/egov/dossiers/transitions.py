"""Which action may move a dossier from which state to which, and who may take it.

Rules of Decree 118/2025/NĐ-CP (one-stop mechanism): the desk receives, asks for completion
before receipt or refuses; the handling units process step by step and may ask for a
supplement (the clock pauses); a leader approves; the desk returns the result. The citizen
supplements, may ask to withdraw, and rates the service. A hand-over sent to the wrong unit is
recalled by its sender as long as the receiving unit has done nothing with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from egov.dossiers.models import DossierEvent
from egov.dossiers.models import DossierState as S
from egov.organizations import permissions as org_permissions
from egov.organizations.models import StaffRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User
    from egov.dossiers.models import Dossier


class Actor:
    DESK = "desk"  # a one-stop desk officer of the receiving agency
    HANDLER = "handler"  # staff (desk, specialist, leader) of the agency handling it now
    LEADER = "leader"  # a leader of the agency handling it now
    APPLICANT = "applicant"  # the citizen or business who submitted, or the desk for them
    SENDER = "sender"  # who sent the latest hand-over, while the receiving unit has not acted


HANDLER_ROLES = (StaffRole.DESK_OFFICER, StaffRole.SPECIALIST, StaffRole.LEADER)
# Who may be assigned a dossier (``assign``): a specialist or a leader.
ASSIGNEE_ROLES = (StaffRole.SPECIALIST, StaffRole.LEADER)


def may_act(actor: User | AnonymousUser | None, dossier: Dossier, who: str) -> bool:
    """Whether ``actor`` is ``who`` (an ``Actor``) for ``dossier`` as it is now.

    - desk: a desk officer of the receiving agency (or of an agency above it);
    - handler: staff of the agency handling it now (or above it), and the dossier's assignee
      (who may work in a unit below that agency);
    - leader: a leader of the agency handling it now (or above it);
    - applicant: the applicant's account, or a desk officer of the receiving agency for them;
    - sender: while the dossier's latest event is a hand-over, the officer who made it, or staff
      of the sending agency (or above it) with a role that may hand over who are not also
      staff of the receiving agency (those are receivers: they return it a step instead).
    """
    if actor is None or not actor.is_authenticated:
        return False
    if who == Actor.DESK:
        return org_permissions.roles_scope(actor, StaffRole.DESK_OFFICER).contains(
            dossier.receiving_agency
        )
    if who == Actor.HANDLER:
        if dossier.assignee_id is not None and dossier.assignee_id == actor.pk:
            return True
        scope = org_permissions.roles_scope(actor, *HANDLER_ROLES)
        return scope.contains(dossier.current_agency)
    if who == Actor.LEADER:
        return org_permissions.roles_scope(actor, StaffRole.LEADER).contains(dossier.current_agency)
    if who == Actor.SENDER:
        event = recallable_hand_over(dossier)
        return event is not None and is_sender(actor, event)
    if who == Actor.APPLICANT:
        return (dossier.applicant_id is not None and dossier.applicant_id == actor.pk) or (
            org_permissions.roles_scope(actor, StaffRole.DESK_OFFICER).contains(
                dossier.receiving_agency
            )
        )
    return False


def latest_event(dossier: Dossier) -> DossierEvent | None:
    """The dossier's latest timeline entry, with its agencies: the one the service that
    returned ``dossier`` wrote, or read."""
    written = getattr(dossier, "_latest_event", None)
    if written is not None:
        return written  # type: ignore[no-any-return]
    return (
        DossierEvent.objects.filter(dossier_id=dossier.pk)
        .select_related("from_agency", "to_agency")
        .order_by("-at", "-pk")
        .first()
    )


def recallable_hand_over(dossier: Dossier) -> DossierEvent | None:
    """The hand-over that may still be recalled: the latest event, when it is a hand-over
    (anything after it, by whoever, means the receiving unit has taken the dossier on)."""
    if dossier.state != S.IN_PROGRESS:
        return None
    event = latest_event(dossier)
    return event if event is not None and event.action == "hand_over" else None


def is_sender(actor: User | AnonymousUser | None, event: DossierEvent) -> bool:
    """Whether ``actor`` sent the hand-over ``event`` (see ``may_act``, sender)."""
    if actor is None or not actor.is_authenticated:
        return False
    if event.actor_id is not None and event.actor_id == actor.pk:
        return True
    if event.from_agency is None or event.to_agency is None:
        return False
    scope = org_permissions.roles_scope(actor, *HANDLER_ROLES)
    return scope.contains(event.from_agency) and not scope.contains(event.to_agency)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the state does not change
    actor: str


def _t(action: str, sources: Iterable[str], target: str | None, actor: str) -> Transition:
    return Transition(action, frozenset(str(s) for s in sources), target, actor)


PROCESSING: set[str] = {S.RECEIVED, S.IN_PROGRESS}
OPEN: set[str] = {
    S.SUBMITTED,
    S.COMPLETION_REQUESTED,
    S.RECEIVED,
    S.IN_PROGRESS,
    S.SUPPLEMENT_REQUESTED,
    S.PAYMENT_REQUESTED,
}

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("receive", {S.SUBMITTED}, S.RECEIVED, Actor.DESK),
        _t("request_completion", {S.SUBMITTED}, S.COMPLETION_REQUESTED, Actor.DESK),
        _t("refuse", {S.SUBMITTED, S.COMPLETION_REQUESTED}, S.REFUSED, Actor.DESK),
        _t("assign", PROCESSING, S.IN_PROGRESS, Actor.HANDLER),
        _t("hand_over", PROCESSING, S.IN_PROGRESS, Actor.HANDLER),
        # Back to the sender's step, agency, assignee and state as they were (None: restored).
        _t("recall", {S.IN_PROGRESS}, None, Actor.SENDER),
        _t("return_step", {S.IN_PROGRESS}, S.IN_PROGRESS, Actor.HANDLER),
        _t("request_supplement", PROCESSING, S.SUPPLEMENT_REQUESTED, Actor.HANDLER),
        _t("supplement", {S.SUPPLEMENT_REQUESTED, S.COMPLETION_REQUESTED}, None, Actor.APPLICANT),
        _t("request_payment", PROCESSING, S.PAYMENT_REQUESTED, Actor.HANDLER),
        _t("confirm_payment", {S.PAYMENT_REQUESTED}, S.IN_PROGRESS, Actor.HANDLER),
        _t(
            "apologize",
            PROCESSING | {S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED},
            None,
            Actor.HANDLER,
        ),
        _t(
            "stop",
            PROCESSING | {S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED},
            S.STOPPED,
            Actor.LEADER,
        ),
        _t("request_withdrawal", OPEN, S.WITHDRAWAL_REQUESTED, Actor.APPLICANT),
        _t("approve_withdrawal", {S.WITHDRAWAL_REQUESTED}, S.WITHDRAWN, Actor.HANDLER),
        _t("complete", PROCESSING, S.PROCESSED, Actor.LEADER),
        _t("return_result", {S.PROCESSED}, S.RESULT_RETURNED, Actor.DESK),
    ]
}
