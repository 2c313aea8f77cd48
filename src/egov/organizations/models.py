"""Administrative divisions, agencies and the roles staff hold in them.

Levels of government and types of agency are rows, not code: the two-tier structure in force
since 1 July 2025 (province, commune) is the default data, and the older three tiers
(province, district, commune) can be configured by adding a level.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualNameMixin(models.Model):
    name = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The English name in the English interface when there is one, else the Vietnamese."""
        if self.name_en and (get_language() or "vi").startswith("en"):
            return self.name_en
        return self.name


class AdministrativeLevel(BilingualNameMixin):
    """A tier of local government: province, commune (and district, for older data)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("1 for the highest tier, larger numbers for lower tiers.")
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("administrative level")
        verbose_name_plural = _("administrative levels")


class AdministrativeUnit(models.Model):
    """A province or commune (xã, phường, đặc khu) with its official code."""

    code = models.CharField(_("official code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=255)
    division_type = models.CharField(_("division type"), max_length=64)
    level = models.ForeignKey(
        AdministrativeLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    search_name = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        ordering = ["level__rank", "name"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")

    def __str__(self) -> str:
        return self.name


class AgencyType(BilingualNameMixin):
    """A kind of agency: provincial People's Committee, department, service center, …"""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    level = models.ForeignKey(
        AdministrativeLevel,
        verbose_name=_("level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("The tier of government; empty for units inside an agency."),
    )
    is_internal_unit = models.BooleanField(
        _("internal unit"), default=False, help_text=_("A unit inside another agency.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("agency type")
        verbose_name_plural = _("agency types")


class Agency(models.Model):
    """A government agency or a unit inside one, placed in a tree.

    ``path`` is the materialized path of primary keys (``/1/5/17/``): a staff member of an
    agency sees its whole subtree with one indexed prefix filter.
    """

    code = models.CharField(
        _("identifier code"),
        max_length=32,
        unique=True,
        help_text=_("The agency's electronic identifier code, e.g. 000.00.04.H40."),
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    # Name, short name and code without diacritics, lower-cased: what staff search in.
    search_text = models.CharField(max_length=400, editable=False, default="", db_index=True)
    type = models.ForeignKey(
        AgencyType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="agencies"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class StaffRole(models.TextChoices):
    DESK_OFFICER = "desk_officer", _("One-stop desk officer")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader")
    CLERK = "clerk", _("Clerk")
    IOC_VIEWER = "ioc_viewer", _("Operations center viewer")
    PROVINCE_ADMIN = "province_admin", _("Provincial administrator")


class StaffAssignment(models.Model):
    """One role a staff member holds in one agency (and, through it, its subtree)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=StaffRole.choices)
    title = models.CharField(_("job title"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="organizations_unique_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency}"
