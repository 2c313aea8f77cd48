"""Dossiers (hồ sơ) of the one-stop shop and their lifecycle.

A dossier's ``state`` is egov's own, finer than the ten statuses the National Public Service
Portal uses (Decision 31/2021/QĐ-TTg); ``NATIONAL_STATUS`` maps each state to one of them.
Every change of state is a transition in ``transitions.py``, made by a service in
``services.py`` that checks the actor, the current state and the version the actor saw.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.organizations.models import Agency
from egov.procedures.models import Channel, Procedure, ProcedureComponent


class DossierState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    COMPLETION_REQUESTED = "completion_requested", _("Completion requested before receipt")
    REFUSED = "refused", _("Refused")
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    PAYMENT_REQUESTED = "payment_requested", _("Payment requested")
    WITHDRAWAL_REQUESTED = "withdrawal_requested", _("Withdrawal requested")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STOPPED = "stopped", _("Processing stopped")
    PROCESSED = "processed", _("Processed")
    RESULT_RETURNED = "result_returned", _("Result returned")


class NationalStatus(models.IntegerChoices):
    """The statuses synchronized with the National Public Service Portal."""

    NEW = 1, _("Newly submitted")
    RECEIVED = 2, _("Received")
    NOT_RECEIVED = 3, _("Not received")
    PROCESSING = 4, _("Processing")
    SUPPLEMENT_REQUESTED = 5, _("Supplement requested")
    PAYMENT_REQUESTED = 6, _("Payment of obligations requested")
    WITHDRAWAL_REQUESTED = 7, _("Citizen asked to withdraw")
    STOPPED = 8, _("Stopped")
    PROCESSED = 9, _("Processed")
    RESULT_RETURNED = 10, _("Result returned")


NATIONAL_STATUS: dict[str, int] = {
    DossierState.SUBMITTED: NationalStatus.NEW,
    DossierState.COMPLETION_REQUESTED: NationalStatus.SUPPLEMENT_REQUESTED,
    DossierState.REFUSED: NationalStatus.NOT_RECEIVED,
    DossierState.RECEIVED: NationalStatus.RECEIVED,
    DossierState.IN_PROGRESS: NationalStatus.PROCESSING,
    DossierState.SUPPLEMENT_REQUESTED: NationalStatus.SUPPLEMENT_REQUESTED,
    DossierState.PAYMENT_REQUESTED: NationalStatus.PAYMENT_REQUESTED,
    DossierState.WITHDRAWAL_REQUESTED: NationalStatus.WITHDRAWAL_REQUESTED,
    DossierState.WITHDRAWN: NationalStatus.WITHDRAWAL_REQUESTED,
    DossierState.STOPPED: NationalStatus.STOPPED,
    DossierState.PROCESSED: NationalStatus.PROCESSED,
    DossierState.RESULT_RETURNED: NationalStatus.RESULT_RETURNED,
}

FINAL_STATES = {
    DossierState.REFUSED,
    DossierState.WITHDRAWN,
    DossierState.STOPPED,
    DossierState.RESULT_RETURNED,
}


STATE_LABELS = dict(DossierState.choices)  # lazy labels, translated when shown


class Dossier(models.Model):
    # Unique through Meta.constraints: a plain unique index, without the text-pattern copy
    # PostgreSQL gets for unique=True (codes are looked up whole, never by LIKE 'x%').
    code = models.CharField(_("dossier code"), max_length=40)
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="dossiers"
    )
    # No index of their own for the three foreign keys below: the indexes of Meta start with
    # them. Every transition rewrites a dossier's index entries, so each index costs there.
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # Where the dossier is being handled now (a unit, a department, another agency).
    current_agency = models.ForeignKey(
        Agency,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    state = models.CharField(
        _("state"), max_length=32, choices=DossierState.choices, default=DossierState.SUBMITTED
    )
    national_status = models.PositiveSmallIntegerField(
        _("national status"), choices=NationalStatus.choices, default=NationalStatus.NEW
    )
    step_index = models.PositiveSmallIntegerField(_("current step"), default=0)
    step_due_at = models.DateTimeField(_("step due"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
    )
    applicant_name = models.CharField(_("applicant"), max_length=255)
    applicant_id_number = models.CharField(_("identity number"), max_length=14, blank=True)
    applicant_phone = models.CharField(_("mobile phone"), max_length=16, blank=True)
    applicant_email = models.EmailField(_("email"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    # Who sent the submission: the citizen online, or the desk officer at the counter.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The second factor printed on the receipt for the public lookup.
    lookup_secret = models.CharField(max_length=12)
    idempotency_key = models.CharField(max_length=80, blank=True, default="")

    submitted_at = models.DateTimeField(_("submitted"))
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    original_appointment_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    apology_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["current_agency", "state"]),
            models.Index(fields=["receiving_agency", "submitted_at"]),
            models.Index(fields=["applicant", "submitted_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="dossiers_unique_code"),
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="dossiers_unique_submission",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_state_display(self) -> str:  # type: ignore[no-redef]
        """The state's label in the active language. Replaces Django's generated method, which
        rebuilt a hashable copy of all the choices on every call (every action's answer and
        notification asks for it)."""
        return str(STATE_LABELS.get(self.state, self.state))

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES


class DossierPause(models.Model):
    """A time the clock stood still: the citizen was supplementing the dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.started_at} – {self.ended_at or '…'}"


class DossierEvent(models.Model):
    """One entry of the dossier's timeline: who did what, when, with which comment."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=255)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32)
    # Not indexed: events are read by dossier; an agency is never deleted, only deactivated.
    from_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    to_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    step_index = models.PositiveSmallIntegerField(null=True, blank=True)
    step_due_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action}"


class DossierFile(models.Model):
    class Kind(models.TextChoices):
        COMPONENT = "component", _("Dossier component")
        SUPPLEMENT = "supplement", _("Supplement")
        RESULT = "result", _("Result")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    component = models.ForeignKey(
        ProcedureComponent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="dossiers/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return self.name


class DossierCounter(models.Model):
    """The last sequence number given for one agency on one day (dossier codes)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossiers_unique_counter")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


class DossierRating(models.Model):
    """The citizen's rating of the service, once the dossier is processed."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    value = models.CharField(_("rating"), max_length=16, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField()
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.value}"


class LookupThrottle(models.Model):
    """Failed public lookups in the current window, per client address (``addr:…``) or per
    dossier code (``code:…``). A table of its own, not the cache, so that the lookup reads
    both counters in the same query as the dossier."""

    key = models.CharField(max_length=100, primary_key=True)
    failures = models.PositiveIntegerField(default=0)
    window_ends_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"
