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
    label: str | Promise  # the button and the timeline entry
    done: str | Promise  # the message once done
    fields: tuple[str, ...] = ("comment",)
    tone: str = "normal"  # "primary", "normal" or "danger"
    files_label: str | Promise = ""


ACTIONS: dict[str, ActionSpec] = {
    "receive": ActionSpec(_("Receive the dossier"), _("The dossier was received."), tone="primary"),
    "request_completion": ActionSpec(
        _("Ask to complete before receipt"),
        _("The citizen was asked to complete the dossier."),
        fields=("missing",),
    ),
    "refuse": ActionSpec(
        _("Refuse to receive"), _("The dossier was refused."), fields=("reason",), tone="danger"
    ),
    "assign": ActionSpec(
        _("Assign"), _("The dossier was assigned."), fields=("assignee", "comment"), tone="primary"
    ),
    "hand_over": ActionSpec(
        _("Hand over to the next step"),
        _("The dossier was handed over."),
        fields=("to_agency", "comment"),
        tone="primary",
    ),
    "return_step": ActionSpec(
        _("Send back to an earlier step"),
        _("The dossier was sent back."),
        fields=("to_step", "reason"),
    ),
    "request_supplement": ActionSpec(
        _("Ask for more documents"),
        _("The citizen was asked for more documents; the clock is paused."),
        fields=("missing",),
    ),
    "supplement": ActionSpec(
        _("Record the documents supplied"),
        _("The documents were recorded; the clock runs again."),
        fields=("comment", "files"),
        files_label=_("Documents supplied"),
    ),
    "request_payment": ActionSpec(
        _("Ask to pay fees"),
        _("The citizen was asked to pay."),
        fields=("amount", "comment"),
    ),
    "confirm_payment": ActionSpec(
        _("Confirm the payment"), _("The payment was confirmed."), tone="primary"
    ),
    "apologize": ActionSpec(
        _("Apologize and set a new appointment"),
        _("The apology with the new appointment was recorded."),
        fields=("new_appointment", "reason"),
    ),
    "stop": ActionSpec(
        _("Stop processing"), _("Processing was stopped."), fields=("reason",), tone="danger"
    ),
    "request_withdrawal": ActionSpec(
        _("Record a withdrawal request"),
        _("The withdrawal request was recorded."),
        fields=("reason",),
    ),
    "approve_withdrawal": ActionSpec(
        _("Approve the withdrawal"), _("The dossier was withdrawn."), tone="danger"
    ),
    "complete": ActionSpec(
        _("Approve and complete"),
        _("The dossier is processed."),
        fields=("comment", "files"),
        tone="primary",
        files_label=_("Result files"),
    ),
    "return_result": ActionSpec(
        _("Return the result"), _("The result was returned."), tone="primary"
    ),
}

# Timeline words for what is not an officer's action.
EVENT_LABELS: dict[str, str | Promise] = {
    "submit": _("Submitted"),
    "rate": _("Rated"),
    **{name: spec.label for name, spec in ACTIONS.items()},
}
