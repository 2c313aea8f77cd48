"""Forms of the feedback pages. They only collect input: the rules are in ``services``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from egov.core.forms import KeepsUploads, accept_attribute
from egov.core.widgets import TypeaheadSelect
from egov.feedback.models import AttributeType, Category, ReportStatus
from egov.feedback.photos import PhotoUpload
from egov.feedback.services import STATUS_CHANGES, Contact
from egov.organizations.models import AdministrativeUnit

PHOTO_FIELDS = ("photo_1", "photo_2", "photo_3")
PHOTO_ACCEPT = accept_attribute([".jpg", ".jpeg", ".png", ".webp"])


def attribute_fields(category: Category) -> dict[str, forms.Field]:
    """One form field per question of ``category``, named ``attribute_<code>``."""
    fields: dict[str, forms.Field] = {}
    for attribute in category.attributes.all():
        if not attribute.variable:
            continue
        common: dict[str, Any] = {
            "label": attribute.description,
            "required": False,  # the service checks ``required`` (one set of messages)
            "help_text": attribute.datatype_description,
        }
        choices = [(v.get("key"), v.get("name")) for v in attribute.values or []]
        field: forms.Field
        if attribute.datatype == AttributeType.SINGLE:
            field = forms.ChoiceField(choices=[("", "—"), *choices], **common)
        elif attribute.datatype == AttributeType.MULTI:
            field = forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        elif attribute.datatype == AttributeType.TEXT:
            field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
        elif attribute.datatype == AttributeType.NUMBER:
            field = forms.CharField(
                widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common
            )
        elif attribute.datatype == AttributeType.DATETIME:
            field = forms.CharField(
                widget=forms.TextInput(attrs={"placeholder": "2025-07-01T08:30:00+07:00"}),
                **common,
            )
        else:
            field = forms.CharField(max_length=255, **common)
        if attribute.required:
            field.widget.attrs["required"] = True
            field.label = f"{attribute.description} *"
        fields[f"attribute_{attribute.code}"] = field
    return fields


class ReportForm(KeepsUploads, forms.Form):
    """A report from the website (or entered by a hotline operator, ``hotline=True``).

    ``submission_key`` is drawn when the form is shown: the same form sent twice gives the
    first report, not two. The service checks the content (``report_create``), so that every
    error shows in one round; with an ``upload_owner``, photos that were valid are kept when
    the page comes back with errors (``KeepsUploads``).
    """

    submission_key = forms.RegexField(
        regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput, max_length=32
    )
    description = forms.CharField(
        label=_("What is the problem?"),
        required=False,  # the service says "Describe the problem." (and checks the length)
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 4000, "required": True}),
    )
    address = forms.CharField(
        label=_("Address or place"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 500}),
        help_text=_("Type the address, or pick the place on the map."),
    )
    area = forms.ModelChoiceField(
        label=_("Commune or ward"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label=_("Not sure"),
        widget=TypeaheadSelect(reverse_lazy("directory:communes")),
    )
    lat = forms.CharField(
        label=_("Latitude"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "coord"}),
    )
    long = forms.CharField(
        label=_("Longitude"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "coord"}),
    )
    photo_1 = forms.FileField(
        label=_("Photos"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
    )
    photo_2 = forms.FileField(
        label=_("Another photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
    )
    photo_3 = forms.FileField(
        label=_("Another photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=255, required=False)
    contact_phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    contact_email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(
        self,
        *args: Any,
        category: Category,
        hotline: bool = False,
        upload_owner: str | Callable[[], str] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)
        self.category = category
        self.fields.update(attribute_fields(category))
        self.attribute_names = [n for n in self.fields if n.startswith("attribute_")]
        # As the page shows them, so that the error summary lists them in that order.
        self.order_fields(
            [
                "submission_key",
                "description",
                "address",
                "area",
                "lat",
                "long",
                *self.attribute_names,
            ]
        )
        area = self.fields["area"]
        assert isinstance(area, forms.ModelChoiceField)
        area.queryset = AdministrativeUnit.objects.filter(parent__isnull=False).order_by("name")
        if hotline:
            self.fields["contact_name"].label = _("Caller's name")
            self.fields["contact_phone"].label = _("Caller's number")
        self.setup_kept_uploads(upload_owner)

    def keeps_upload_fields(self) -> list[str]:
        return list(PHOTO_FIELDS)

    @property
    def attribute_fields(self) -> list[Any]:
        return [self[name] for name in self.attribute_names]

    def photos(self) -> tuple[list[PhotoUpload], list[str]]:
        """The photos sent or kept, and for each the name of its field."""
        uploads, names = [], []
        for name in PHOTO_FIELDS:
            uploaded: UploadedFile | None = self.upload(name)
            if uploaded is not None:
                uploaded.seek(0)
                uploads.append(PhotoUpload(uploaded.name or "photo", uploaded.read()))
                names.append(name)
        return uploads, names

    def value(self, name: str) -> Any:
        """A field's cleaned value, or what was typed when the form refused it (for the
        service's checks of the other fields in the same round)."""
        if name in self.cleaned_data:
            return self.cleaned_data[name]
        return self.data.get(self.add_prefix(name), "")

    def attributes(self) -> dict[str, Any]:
        answers = {}
        for name in self.attribute_names:
            value = self.value(name)
            if name not in self.cleaned_data and isinstance(
                self.fields[name], forms.MultipleChoiceField
            ):
                value = self.data.getlist(self.add_prefix(name))
            answers[name.removeprefix("attribute_")] = value
        return answers

    def contact(self) -> Contact:
        return Contact(
            name=str(self.value("contact_name")),
            email=str(self.value("contact_email")),
            phone=str(self.value("contact_phone")),
        )


# The service's error fields → this form's fields.
SERVICE_FIELDS = {
    "location": "address",
    "phone": "contact_phone",
    "email": "contact_email",
    "photos": "photo_1",
    "photos[0]": "photo_1",
    "photos[1]": "photo_2",
    "photos[2]": "photo_3",
}


def service_fields(
    fields: dict[str, list[str]], photo_names: list[str] | None = None
) -> dict[str, list[str]]:
    """The service's error fields as this form's; ``photo_names`` gives the field of each
    photo sent (``photos[i]``), when some fields were left empty."""
    out: dict[str, list[str]] = {}
    for name, messages in fields.items():
        if name.startswith("attribute["):
            target = "attribute_" + name[len("attribute[") : -1]
        elif photo_names is not None and name.startswith("photos[") and name[7:-1].isdigit():
            index = int(name[7:-1])
            target = photo_names[index] if index < len(photo_names) else "photo_1"
        else:
            target = SERVICE_FIELDS.get(name, name)
        if name == "photos" and any(k.startswith("photos[") for k in fields):
            continue  # shown on each photo
        out.setdefault(target, []).extend(messages)
    return out


class InboxForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Open")), *ReportStatus.choices],
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.order_by("order", "name"),
        empty_label=_("All"),
    )
    overdue = forms.BooleanField(label=_("Past due"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    hidden = forms.BooleanField(label=_("Hidden from the public"), required=False)


class RespondForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Public response"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(label=_("Status after the response"), required=False)

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = STATUS_CHANGES.get(current, frozenset())
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Unchanged"))] + [
            (value, label) for value, label in ReportStatus.choices if value in allowed
        ]


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("New status"))
    notes = forms.CharField(
        label=_("Explanation for the reporter"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = STATUS_CHANGES.get(current, frozenset())
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(v, label) for v, label in ReportStatus.choices if v in allowed]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    assignee = forms.TypedChoiceField(label=_("Assign to"), coerce=int, required=False)

    def __init__(self, *args: Any, staff: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Nobody"))] + [(u.pk, str(u.full_name or u)) for u in staff]
        field.empty_value = None


class TransferForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    agency = forms.TypedChoiceField(
        label=_("Transfer to"),
        coerce=int,
        widget=TypeaheadSelect(reverse_lazy("directory:agencies")),
    )
    reason = forms.CharField(label=_("Reason (internal)"), max_length=1000)

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(a.pk, a.name) for a in agencies]


class ModerateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    hidden = forms.BooleanField(label=_("Hide this report from the public"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
    description = forms.CharField(
        label=_("Public text (remove personal data)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DuplicateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    original = forms.CharField(label=_("Number of the original report"), max_length=20)


class RedactPhotoForm(forms.Form):
    boxes = forms.CharField(
        label=_("Areas to black out"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One area per line as left, top, width, height in percent of the photo "
            "(e.g. 10, 20, 30, 15). Leave empty to withdraw the photo from the public."
        ),
    )

    def clean_boxes(self) -> list[tuple[float, float, float, float]]:
        boxes = []
        for line in (self.cleaned_data.get("boxes") or "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace(";", ",").split(",")]
            try:
                numbers = [float(p) / 100 for p in parts]
            except ValueError:
                raise forms.ValidationError(_("Each area needs four numbers.")) from None
            if len(numbers) != 4:
                raise forms.ValidationError(_("Each area needs four numbers."))
            boxes.append((numbers[0], numbers[1], numbers[2], numbers[3]))
        return boxes


class RateForm(forms.Form):
    secret = forms.CharField(
        label=_("Tracking code"),
        required=False,
        max_length=20,
        help_text=_("Sent to you when the report was received."),
    )
    rating = forms.TypedChoiceField(
        label=_("How good was the response?"),
        coerce=int,
        choices=[(5, "5 ★★★★★"), (4, "4 ★★★★"), (3, "3 ★★★"), (2, "2 ★★"), (1, "1 ★")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(forms.Form):
    secret = forms.CharField(label=_("Tracking code"), required=False, max_length=20)
    reason = forms.CharField(
        label=_("Why is the problem not solved?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FiguresForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end must not be before the start."))
        return cleaned
