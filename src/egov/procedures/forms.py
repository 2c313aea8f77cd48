"""Forms of the staff page that edits a procedure. They only read the fields; the rules are in
``catalog.validate_procedure``, which the service applies."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.core.forms import accept_attribute
from egov.organizations.models import AdministrativeLevel, AgencyType
from egov.procedures.catalog import FORM_EXTENSIONS
from egov.procedures.models import Channel, OnlineType, Sector, Target, TimeUnit

ROLE_CHOICES = [
    ("", "—"),
    ("desk_officer", _("One-stop desk officer")),
    ("specialist", _("Specialist")),
    ("leader", _("Leader")),
    ("clerk", _("Clerk")),
]


class ProcedureForm(forms.Form):
    code = forms.CharField(
        label=_("Procedure code"),
        max_length=20,
        help_text=_("As in the national database, e.g. 1.001193."),
    )
    name = forms.CharField(label=_("Name"), max_length=500)
    name_en = forms.CharField(label=_("Name (English)"), max_length=500, required=False)
    sector = forms.ChoiceField(label=_("Sector"))
    level = forms.ChoiceField(label=_("Level"))
    implementing_agency_type = forms.ChoiceField(label=_("Implementing agency type"))
    implementing_agency = forms.CharField(
        label=_("Implementing agency (identifier code)"),
        max_length=32,
        required=False,
        help_text=_("Empty when every agency of the type implements it (each commune)."),
    )
    receiving_agency = forms.CharField(
        label=_("Receiving agency (identifier code)"), max_length=32, required=False
    )
    targets = forms.MultipleChoiceField(
        label=_("Who may use it"), choices=Target.choices, widget=forms.CheckboxSelectMultiple
    )
    processing_time = forms.DecimalField(label=_("Processing time"), max_digits=8, decimal_places=2)
    time_unit = forms.ChoiceField(label=_("Time unit"), choices=TimeUnit.choices)
    online_type = forms.ChoiceField(label=_("Online provision"), choices=OnlineType.choices)
    channels = forms.MultipleChoiceField(
        label=_("How to submit"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    result = forms.CharField(
        label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = {
            "sector": [(s.code, s.display_name) for s in Sector.objects.all()],
            "level": [(lv.code, lv.display_name) for lv in AdministrativeLevel.objects.all()],
            "implementing_agency_type": [
                (t.code, t.display_name) for t in AgencyType.objects.all()
            ],
        }
        for name, values in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = values


class FeeForm(forms.Form):
    name = forms.CharField(label=_("Fee or charge"), max_length=500)
    amount = forms.IntegerField(label=_("Amount (VND)"), min_value=0)
    note = forms.CharField(label=_("Note"), required=False)


class ComponentForm(forms.Form):
    name = forms.CharField(label=_("Document"), max_length=1000)
    originals = forms.IntegerField(label=_("Originals"), min_value=0, max_value=50, initial=1)
    copies = forms.IntegerField(label=_("Copies"), min_value=0, max_value=50, initial=0)
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False, initial=True)
    form = forms.CharField(label=_("Form file name"), required=False, max_length=255)
    upload = forms.FileField(
        label=_("New form template"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute(FORM_EXTENSIONS)}),
    )
    note = forms.CharField(label=_("Note"), required=False)


class StepForm(forms.Form):
    name = forms.CharField(label=_("Step"), max_length=500)
    handler = forms.CharField(label=_("Handled by"), required=False, max_length=255)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, required=False)
    duration = forms.DecimalField(label=_("Allotted time"), max_digits=8, decimal_places=2)


FeeFormSet = forms.formset_factory(FeeForm, extra=1, can_delete=True)
ComponentFormSet = forms.formset_factory(ComponentForm, extra=1, can_delete=True)
StepFormSet = forms.formset_factory(StepForm, extra=1, can_delete=True)
