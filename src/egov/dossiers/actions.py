"""How the officers' pages present each action: its label, the inputs it asks for, its button.

The rules (who may, from which state) are in ``transitions`` and ``services``; this module is
only the words and the shape of the forms, shared by the dossier page and its timeline.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ActionSpec:
    event: str | Promise  # the timeline entry
    label: str | Promise  # the button
    done: str | Promise  # the message once done
    fields: tuple[str, ...] = ("comment",)
    tone: str = "normal"  # "primary", "normal" or "danger"
    files_label: str | Promise = ""


ACTIONS: dict[str, ActionSpec] = {
    "receive": ActionSpec(
        _("Received"), _("Receive the dossier"), _("The dossier was received."), tone="primary"
    ),
    "request_completion": ActionSpec(
        _("Asked to complete the dossier"),
        _("Ask to complete before receipt"),
        _("The citizen was asked to complete the dossier."),
        fields=("missing",),
    ),
    "refuse": ActionSpec(
        _("Refused"),
        _("Refuse to receive"),
        _("The dossier was refused."),
        fields=("reason",),
        tone="danger",
    ),
    "assign": ActionSpec(
        _("Assigned"),
        _("Assign"),
        _("The dossier was assigned."),
        fields=("assignee", "comment"),
        tone="primary",
    ),
    "hand_over": ActionSpec(
        _("Handed over"),
        _("Hand over to the next step"),
        _("The dossier was handed over."),
        fields=("to_agency", "comment"),
        tone="primary",
    ),
    "recall": ActionSpec(
        _("Hand-over recalled"),
        _("Recall the hand-over"),
        _("The hand-over was recalled: the dossier is back at its previous step."),
        fields=("reason",),
    ),
    "return_step": ActionSpec(
        _("Sent back to an earlier step"),
        _("Send back to an earlier step"),
        _("The dossier was sent back."),
        fields=("to_step", "reason"),
    ),
    "request_supplement": ActionSpec(
        _("More documents requested"),
        _("Ask for more documents"),
        _("The citizen was asked for more documents; the clock is paused."),
        fields=("missing",),
    ),
    "supplement": ActionSpec(
        _("Documents supplied"),
        _("Record the documents supplied"),
        _("The documents were recorded; the clock runs again."),
        fields=("comment", "files"),
        files_label=_("Documents supplied"),
    ),
    "request_payment": ActionSpec(
        _("Payment requested"),
        _("Ask to pay fees"),
        _("The citizen was asked to pay."),
        fields=("amount", "comment"),
    ),
    "confirm_payment": ActionSpec(
        _("Payment confirmed"),
        _("Confirm the payment"),
        _("The payment was confirmed."),
        tone="primary",
    ),
    "apologize": ActionSpec(
        _("Apology and new appointment"),
        _("Apologize and set a new appointment"),
        _("The apology with the new appointment was recorded."),
        fields=("new_appointment", "reason"),
    ),
    "stop": ActionSpec(
        _("Processing stopped"),
        _("Stop processing"),
        _("Processing was stopped."),
        fields=("reason",),
        tone="danger",
    ),
    "request_withdrawal": ActionSpec(
        _("Withdrawal requested"),
        _("Record a withdrawal request"),
        _("The withdrawal request was recorded."),
        fields=("reason",),
    ),
    "approve_withdrawal": ActionSpec(
        _("Withdrawal approved"),
        _("Approve the withdrawal"),
        _("The dossier was withdrawn."),
        tone="danger",
    ),
    "complete": ActionSpec(
        _("Processed"),
        _("Approve and complete"),
        _("The dossier is processed."),
        fields=("comment", "files"),
        tone="primary",
        files_label=_("Result files"),
    ),
    "return_result": ActionSpec(
        _("Result returned"), _("Return the result"), _("The result was returned."), tone="primary"
    ),
}

# Timeline words for what is not an officer's action.
EVENT_LABELS: dict[str, str | Promise] = {
    "submit": _("Submitted"),
    "rate": _("Rated"),
    **{name: spec.event for name, spec in ACTIONS.items()},
}


# The official slips (forms 01–06) and the timeline entries that give grounds for each.
SLIPS: dict[str, tuple[str | Promise, tuple[str, ...]]] = {
    "01": (_("Receipt and appointment slip (form 01)"), ("receive",)),
    "02": (_("Request to complete the dossier (form 02)"), ("request_completion", "request_supplement")),
    "03": (_("Refusal slip (form 03)"), ("refuse",)),
    "04": (_("Apology and new appointment (form 04)"), ("apologize",)),
    "05": (_("Notice of stopped processing (form 05)"), ("stop",)),
    "06": (_("Processing control slip (form 06)"), ("receive",)),
}  # fmt: skip


def slips_for(actions_done: set[str], *, staff: bool) -> list[tuple[str, str | Promise]]:
    """The forms a dossier has grounds for, given the actions in its timeline."""
    return [
        (form, label)
        for form, (label, grounds) in SLIPS.items()
        if (staff or form != "06") and actions_done & set(grounds)
    ]
