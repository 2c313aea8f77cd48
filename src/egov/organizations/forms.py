from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
