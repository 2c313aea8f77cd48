from django import forms
from django.utils.translation import gettext_lazy as _


class ApiClientForm(forms.Form):
    name = forms.CharField(label=_("Application"), max_length=100)
    contact = forms.CharField(
        label=_("Contact"),
        max_length=200,
        required=False,
        help_text=_("Who to call about this application: a person, an email, a phone number."),
    )
