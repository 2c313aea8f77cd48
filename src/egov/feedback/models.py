"""Citizen feedback (phản ánh, kiến nghị): categories, reports, their photos and history.

A report is handled like an official document sent to the responsible agency: it is routed by
its category to an agency, which must answer publicly within the category's response time in
working days (``expected_at``, from the ``worktime`` calendar).

Statuses are egov's own; ``OPEN311_STATUS`` maps each to GeoReport v2's ``open``/``closed``
and ``FMS_STATUS`` to FixMyStreet's extended statuses (``servicerequestupdates``).

What is public and what is not:

- public: the category, the (possibly redacted) description, address, position, status and
  status notes (the public response), the dates, the public versions of photos, and the
  updates with ``is_public=True``;
- private: the reporter's contact details (``contact_*``), the description before redaction,
  the original photos of redacted ones, internal notes, hidden reports.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from egov.organizations.models import AdministrativeUnit, Agency


class Channel(models.TextChoices):
    """How a report reached egov."""

    WEB = "web", _("Website")
    APP = "app", _("Mobile app")
    HOTLINE = "hotline", _("Hotline")
    ZALO = "zalo", _("Zalo")
    OPEN311 = "open311", _("Open311 client")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


OPEN_STATUSES = frozenset({ReportStatus.RECEIVED, ReportStatus.IN_PROGRESS})

# GeoReport v2 knows two statuses.
OPEN311_STATUS: dict[str, str] = {
    ReportStatus.RECEIVED: "open",
    ReportStatus.IN_PROGRESS: "open",
    ReportStatus.RESOLVED: "closed",
    ReportStatus.CLOSED: "closed",
    ReportStatus.REJECTED: "closed",
    ReportStatus.DUPLICATE: "closed",
}

# FixMyStreet's extended statuses (Open311 servicerequestupdates).
FMS_STATUS: dict[str, str] = {
    ReportStatus.RECEIVED: "OPEN",
    ReportStatus.IN_PROGRESS: "IN_PROGRESS",
    ReportStatus.RESOLVED: "FIXED",
    ReportStatus.CLOSED: "CLOSED",
    ReportStatus.REJECTED: "NO_FURTHER_ACTION",
    ReportStatus.DUPLICATE: "DUPLICATE",
}


def statuses_for_open311(value: str) -> list[str]:
    """The egov statuses behind an Open311 status (``open`` or ``closed``)."""
    return [s for s, o in OPEN311_STATUS.items() if o == value]


class Category(models.Model):
    """A kind of report (an Open311 service), routed to one responsible agency."""

    service_code = models.SlugField(
        _("service code"),
        max_length=64,
        unique=True,
        help_text=_("The stable code clients use (Open311 service_code)."),
    )
    name = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=500, blank=True, help_text=_("Separated by commas.")
    )
    group = models.CharField(_("group"), max_length=255, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        related_name="feedback_categories",
    )
    response_days = models.PositiveSmallIntegerField(_("response time (working days)"), default=10)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("feedback category")
        verbose_name_plural = _("feedback categories")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "vi").startswith("en"):
            return self.name_en
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]


class AttributeType(models.TextChoices):
    """Open311's attribute datatypes."""

    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLE = "singlevaluelist", _("One choice")
    MULTI = "multivaluelist", _("Several choices")


class CategoryAttribute(models.Model):
    """An extra question of a category (an Open311 service definition's attribute).

    ``values`` is a list of ``{"key": …, "name": …}`` for the two list datatypes. A
    non-``variable`` attribute is information shown to the reporter, never answered.
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(_("code"), max_length=64)
    variable = models.BooleanField(_("answered by the reporter"), default=True)
    datatype = models.CharField(
        _("datatype"), max_length=20, choices=AttributeType.choices, default=AttributeType.STRING
    )
    required = models.BooleanField(_("required"), default=False)
    datatype_description = models.CharField(_("datatype description"), max_length=255, blank=True)
    description = models.CharField(_("question"), max_length=500)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    values = models.JSONField(_("values"), default=list, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("category attribute")
        verbose_name_plural = _("category attributes")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="feedback_unique_attribute")
        ]

    def __str__(self) -> str:
        return f"{self.category_id}:{self.code}"

    @property
    def keys(self) -> list[str]:
        return [str(v.get("key")) for v in self.values or [] if isinstance(v, dict)]


class Report(models.Model):
    """One citizen report (an Open311 service request)."""

    public_id = models.CharField(_("report number"), max_length=20, unique=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="reports",
        db_index=False,  # covered by the (category, requested_at) index
    )
    # The agency responsible now (the category's, or the one it was transferred to).
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # covered by the (agency, status) index
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
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    # The public response / the explanation of the current status (Open311 status_notes).
    status_notes = models.TextField(_("public response"), blank=True)
    description = models.TextField(_("description"), max_length=4000)
    # The text as the reporter sent it, kept when a moderator redacted ``description``.
    description_original = models.TextField(blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    address_id = models.CharField(max_length=100, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    long = models.FloatField(_("longitude"), null=True, blank=True)
    area = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # covered by the (area, requested_at) index
    )
    attributes = models.JSONField(default=dict, blank=True)
    media_url = models.URLField(max_length=1000, blank=True)  # a link sent by an Open311 client
    # The first public photo (denormalized so that lists need no join).
    cover_photo = models.ForeignKey(
        "ReportPhoto", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The reporter: private. All empty for an anonymous report.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_reports",
        db_index=False,  # covered by the (reporter, requested_at) index
    )
    contact_name = models.CharField(_("name"), max_length=255, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    contact_phone = models.CharField(_("mobile phone"), max_length=16, blank=True)
    contact_zalo_id = models.CharField(max_length=64, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    # The client application that sent it (Open311 API key's name), or the hotline operator.
    source = models.CharField(max_length=100, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Given to the reporter once (receipt, notification): lets them rate and reopen.
    reporter_secret = models.CharField(max_length=64)
    token = models.CharField(max_length=64, blank=True)  # an Open311 token, when one was given

    requested_at = models.DateTimeField(_("submitted"))
    updated_at = models.DateTimeField(_("updated"))
    expected_at = models.DateTimeField(_("response due"))
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("feedback report")
        verbose_name_plural = _("feedback reports")
        indexes = [
            models.Index(fields=["requested_at"], name="feedback_requested"),
            models.Index(fields=["category", "requested_at"], name="feedback_cat_requested"),
            models.Index(fields=["status", "requested_at"], name="feedback_status_requested"),
            models.Index(fields=["agency", "status"], name="feedback_agency_status"),
            models.Index(fields=["area", "requested_at"], name="feedback_area_requested"),
            models.Index(fields=["reporter", "requested_at"], name="feedback_reporter"),
        ]
        constraints = [
            # A client's token (the Zalo bridge's message id) makes one report, even when the
            # same message arrives twice at once.
            models.UniqueConstraint(
                fields=["token"], condition=~models.Q(token=""), name="feedback_unique_token"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def open311_status(self) -> str:
        return OPEN311_STATUS[self.status]

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_email or self.contact_phone or self.contact_zalo_id)


class ReportPhoto(models.Model):
    """A photo of a report.

    ``file`` is the photo as received, re-encoded without its metadata (EXIF, GPS). After a
    moderator redacts it, ``file`` is never shown to the public again: ``public_file`` holds
    a copy with the chosen areas blacked out, or is empty when the photo is withdrawn
    entirely (``is_public=False``).
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="feedback/%Y/%m/")
    public_file = models.FileField(upload_to="feedback/public/%Y/%m/", blank=True)
    is_public = models.BooleanField(default=True)
    content_type = models.CharField(max_length=50)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    redacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.report_id}/{self.pk}"

    @property
    def public_name(self) -> str:
        """The stored name the public may see, or '' when none."""
        if not self.is_public:
            return ""
        return self.public_file.name if self.redacted_at else self.file.name


class UpdateKind(models.TextChoices):
    CREATED = "created", _("Received")
    STATUS = "status", _("Status changed")
    RESPONSE = "response", _("Public response")
    NOTE = "note", _("Internal note")
    ASSIGN = "assign", _("Assigned")
    TRANSFER = "transfer", _("Transferred")
    MODERATION = "moderation", _("Moderated")
    DUPLICATE = "duplicate", _("Marked as duplicate")
    REOPEN = "reopen", _("Reopened")
    RATING = "rating", _("Rated")


class ReportUpdate(models.Model):
    """One entry of a report's history.

    Public updates (``is_public``) are what the reporter and the public see, and what
    FixMyStreet-style ``servicerequestupdates`` lists; the others (internal notes,
    assignments, moderation) are for staff only. ``status`` is the report's status after
    the update.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=UpdateKind.choices)
    is_public = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=ReportStatus.choices)
    text = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=255, blank=True)
    from_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["is_public", "at"], name="feedback_update_public_at"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"
