"""Forms of the dossier pages. They only collect input: the rules are in ``services``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from egov.core.files import extensions
from egov.core.forms import KeepsUploads, accept_attribute
from egov.core.widgets import TypeaheadSelect
from egov.dossiers.models import FINAL_STATES, DossierState, Satisfaction
from egov.dossiers.services import ALLOWED_UPLOADS, Applicant, Upload
from egov.organizations.models import Agency
from egov.procedures.models import Procedure

ACCEPT = accept_attribute(extensions(ALLOWED_UPLOADS))


def _file_field(label: Any, *, mandatory: bool, help_text: str = "") -> forms.FileField:
    attrs: dict[str, Any] = {"accept": ACCEPT}
    if mandatory:
        attrs["required"] = True
    return forms.FileField(
        label=label, required=False, help_text=help_text, widget=forms.ClearableFileInput(attrs)
    )


class UploadsMixin(KeepsUploads):
    """A form's files as the services' ``Upload`` objects, read once.

    ``upload_fields`` gives each file field with the dossier component it is for (``None``:
    not tied to one, as for supplements and result files). A form that calls
    ``setup_kept_uploads`` also gets back the files kept from an earlier try (``KeepsUploads``).
    """

    files: Any
    _uploads: tuple[list[Upload], list[str]] | None = None

    def upload_fields(self) -> list[tuple[str, int | None]]:
        return [(name, None) for name in LOOSE_FILES]

    def uploads(self) -> tuple[list[Upload], list[str]]:
        """The files sent, and for each the name of its field (to show its errors there)."""
        if self._uploads is None:
            uploads, names = [], []
            for name, component_id in self.upload_fields():
                uploaded: UploadedFile | None = self.upload(name)
                if uploaded is not None:
                    uploaded.seek(0)
                    uploads.append(Upload(component_id, uploaded.name or "file", uploaded.read()))
                    names.append(name)
            self._uploads = (uploads, names)
        return self._uploads


LOOSE_FILES = ("file_1", "file_2", "file_3")


class SubmissionForm(UploadsMixin, forms.Form):
    """The applicant and one file per dossier component of ``procedure``.

    ``idempotency_key`` is drawn when the form is shown: sending the same page twice (a double
    click, a refresh after a timeout) gives the same dossier, not two. The applicant's name
    and the agency are checked by the service, with the files, so that every error shows at
    once. With an ``upload_owner``, files that were valid are kept when the page comes back
    with errors (``KeepsUploads``).
    """

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    agency = forms.ModelChoiceField(
        label=_("Where do you submit?"),
        queryset=Agency.objects.none(),
        required=False,
        widget=TypeaheadSelect(reverse_lazy("directory:agencies")),
    )
    applicant_name = forms.CharField(
        label=_("Applicant's full name"),
        max_length=255,
        required=False,  # the service says "Enter the applicant's name."
        widget=forms.TextInput(attrs={"autocomplete": "name", "required": True}),
    )
    applicant_id_number = forms.CharField(
        label=_("Citizen identity number"),
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    applicant_phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        required=False,
        help_text=_("You receive an SMS when the dossier's status changes."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    applicant_email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    applicant_address = forms.CharField(
        label=_("Address"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    def __init__(
        self,
        *args: Any,
        procedure: Procedure,
        agencies: Any = None,
        upload_owner: str | Callable[[], str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        if procedure.receiving_agency_id or procedure.implementing_agency_id:
            del self.fields["agency"]
        else:
            field = self.fields["agency"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = (
                (agencies if agencies is not None else Agency.objects)
                .filter(type_id=procedure.implementing_agency_type_id, is_active=True)
                .order_by("name")
            )
            field.widget.attrs["required"] = True  # checked by the service
            field.empty_label = _("Choose…")
            # The searchable list offers the agencies of the procedure's type only; a desk
            # officer chooses among their own few agencies, from the plain list.
            widget = field.widget
            assert isinstance(widget, TypeaheadSelect)
            if agencies is not None:
                field.widget = forms.Select(attrs=widget.attrs)
                field.widget.choices = field.choices
            else:
                type_code = procedure.implementing_agency_type.code
                widget.url = f"{widget.url}?{urlencode({'type': type_code})}"
        self.component_fields: list[tuple[str, Any]] = []
        for component in procedure.components.all():
            name = f"component_{component.pk}"
            label = (
                component.name
                if component.mandatory
                else f"{component.name} ({_('if applicable')})"
            )
            self.fields[name] = _file_field(label, mandatory=component.mandatory)
            self.component_fields.append((name, component))
        self.setup_kept_uploads(upload_owner)

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(
            name=data["applicant_name"],
            id_number=data["applicant_id_number"],
            phone=data["applicant_phone"],
            email=data["applicant_email"],
            address=data["applicant_address"],
        )

    def upload_fields(self) -> list[tuple[str, int | None]]:
        return [(name, component.pk) for name, component in self.component_fields]


def file_errors_to_fields(errors: dict[str, list[str]], names: list[str]) -> dict[str, list[str]]:
    """The service names a bad upload ``files[i]``; the page shows it next to its field."""
    mapped: dict[str, list[str]] = {}
    for key, messages in errors.items():
        if key.startswith("files[") and key.endswith("]") and key[6:-1].isdigit():
            index = int(key[6:-1])
            key = names[index] if index < len(names) else "__all__"
        mapped.setdefault(key, []).extend(messages)
    return mapped


class SupplementForm(UploadsMixin, forms.Form):
    comment = forms.CharField(
        label=_("Message to the officer"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file_1 = _file_field(_("Document"), mandatory=False)
    file_2 = _file_field(_("Another document"), mandatory=False)
    file_3 = _file_field(_("Another document"), mandatory=False)


class WithdrawalForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the dossier?"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RatingForm(forms.Form):
    value = forms.ChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"),
        max_length=40,
        help_text=_("As printed on your receipt, e.g. 000.00.31.H56-261120-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label=_("Lookup code or mobile number"),
        max_length=20,
        help_text=_("The 6-character lookup code on the receipt, or the mobile number given."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ActionForm(UploadsMixin, forms.Form):
    """Every input an officer's action may take; ``ACTIONS`` says which one shows which."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    missing = forms.CharField(
        label=_("What the citizen must add or correct"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    to_agency = forms.ModelChoiceField(
        label=_("Hand over to"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_(
            "Proposed: where the procedure's next step is handled. Search by name or code."
        ),
        widget=TypeaheadSelect(reverse_lazy("directory:agencies")),
    )
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=Agency.objects.none(), required=False
    )
    to_step = forms.TypedChoiceField(
        label=_("Back to step"), choices=[], coerce=int, required=False, empty_value=None
    )
    new_appointment = forms.DateTimeField(
        label=_("New appointment"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"],
    )
    amount = forms.IntegerField(label=_("Amount (VND)"), min_value=1, required=False)
    file_1 = _file_field(_("File"), mandatory=False)
    file_2 = _file_field(_("Another file"), mandatory=False)
    file_3 = _file_field(_("Another file"), mandatory=False)

    def __init__(
        self,
        *args: Any,
        agencies: Any = None,
        staff: Any = None,
        may_take: bool = False,
        earlier_steps: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        """``staff``: who may be assigned; ``may_take``: the user is one of them, so leaving
        the assignee empty means "myself" (otherwise an assignee must be chosen)."""
        super().__init__(*args, **kwargs)
        to_agency = self.fields["to_agency"]
        assignee = self.fields["assignee"]
        assert isinstance(to_agency, forms.ModelChoiceField)
        assert isinstance(assignee, forms.ModelChoiceField)
        if agencies is not None:
            to_agency.queryset = agencies
        if staff is not None:
            assignee.queryset = staff
            assignee.required = not may_take
        assignee.empty_label = _("Myself") if may_take else _("Choose…")
        step_field = self.fields["to_step"]
        assert isinstance(step_field, forms.TypedChoiceField)
        step_field.choices = [("", _("Choose…")), *(earlier_steps or [])]


class InboxForm(forms.Form):
    q = forms.CharField(label=_("Code or applicant"), max_length=100, required=False)
    state = forms.ChoiceField(label=_("Status"), required=False)
    procedure = forms.CharField(label=_("Procedure code"), max_length=40, required=False)
    due = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), ("soon", _("Due within 2 days")), ("overdue", _("Overdue"))],
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state = self.fields["state"]
        assert isinstance(state, forms.ChoiceField)
        state.choices = [("", _("Any open dossier"))] + [
            (value, label) for value, label in DossierState.choices if value not in FINAL_STATES
        ]
