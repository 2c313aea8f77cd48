"""The catalog of administrative procedures (thủ tục hành chính) a province provides.

Each procedure follows the structure of the national procedure database: code, sector,
implementing level and agency, targets, processing time in working days or hours, fees,
dossier components with form templates, conditions, legal basis, result, channels, the
online provision type of Decree 42/2022/NĐ-CP, and its internal process (quy trình nội bộ):
ordered steps whose allotted times add up to the processing time.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from egov.core.db import CompiledQuery
from egov.organizations.models import (
    AdministrativeLevel,
    Agency,
    AgencyType,
    BilingualNameMixin,
    StaffRole,
)


class Sector(BilingualNameMixin):
    """A field of administration (lĩnh vực): civil status, land, construction, …"""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class OnlineType(models.TextChoices):
    """Online provision under Decree 42/2022/NĐ-CP (levels 4 / 3 / 2 in older texts)."""

    FULL = "full", _("Fully online")
    PARTIAL = "partial", _("Partly online")
    INFO = "info", _("Information only")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")


class Channel(models.TextChoices):
    COUNTER = "counter", _("At the desk")
    ONLINE = "online", _("Online")
    POSTAL = "postal", _("By post")


class Target(models.TextChoices):
    CITIZEN = "citizen", _("Citizens")
    ORGANIZATION = "organization", _("Organizations")


class Procedure(models.Model):
    code = models.CharField(_("procedure code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="procedures"
    )
    level = models.ForeignKey(
        AdministrativeLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="+"
    )
    implementing_agency_type = models.ForeignKey(
        AgencyType,
        verbose_name=_("implementing agency type"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    implementing_agency = models.ForeignKey(
        Agency,
        verbose_name=_("implementing agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implemented_procedures",
        help_text=_("Empty when every agency of the type implements it (each commune)."),
    )
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_procedures",
    )
    for_citizens = models.BooleanField(_("for citizens"), default=True)
    for_organizations = models.BooleanField(_("for organizations"), default=False)
    processing_time = models.DecimalField(_("processing time"), max_digits=8, decimal_places=2)
    time_unit = models.CharField(
        _("time unit"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    online_type = models.CharField(
        _("online provision"), max_length=16, choices=OnlineType.choices, default=OnlineType.INFO
    )
    channel_counter = models.BooleanField(_("at the desk"), default=True)
    channel_online = models.BooleanField(_("online"), default=False)
    channel_postal = models.BooleanField(_("by post"), default=False)
    conditions = models.TextField(_("conditions"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    result = models.TextField(_("result"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    # Lower-case words without diacritics, separated by single spaces: what search reads.
    name_folded = models.CharField(max_length=600, editable=False, default="")
    body_folded = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["sector__order", "name"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        indexes = [models.Index(fields=["is_published", "sector", "level"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def channels(self) -> list[str]:
        flags = [
            (Channel.COUNTER, self.channel_counter),
            (Channel.ONLINE, self.channel_online),
            (Channel.POSTAL, self.channel_postal),
        ]
        return [str(channel) for channel, on in flags if on]

    @property
    def targets(self) -> list[str]:
        flags = [(Target.CITIZEN, self.for_citizens), (Target.ORGANIZATION, self.for_organizations)]
        return [str(target) for target, on in flags if on]

    @cached_property
    def step_list(self) -> list[ProcedureStep]:
        """The steps in order, read once per instance (a transition, the actions it leaves
        open and its answer all need them), by a query compiled once per thread."""
        return _STEPS.fetch(self.pk, using=self._state.db or "default")


class ProcedureFee(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=500)
    amount = models.BigIntegerField(_("amount (VND)"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("fee or charge")
        verbose_name_plural = _("fees and charges")

    def __str__(self) -> str:
        return self.name


class ProcedureComponent(models.Model):
    """One document of the dossier (thành phần hồ sơ)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="components")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=1000)
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    form = models.FileField(_("form template"), upload_to="procedures/forms/", blank=True)
    form_name = models.CharField(_("form file name"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")

    def __str__(self) -> str:
        return self.name


class ProcedureStep(models.Model):
    """One step of the internal process, with its handler and allotted time."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=500)
    handler = models.CharField(_("handled by"), max_length=255, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=StaffRole.choices, blank=True)
    duration = models.DecimalField(_("allotted time"), max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["order"]
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")

    def __str__(self) -> str:
        return self.name


# Procedure.step_list runs in every transition that moves a due time: compiled once per thread.
_STEPS = CompiledQuery(
    lambda procedure_id: ProcedureStep.objects.filter(procedure_id=procedure_id), -(2**62) + 19
)
