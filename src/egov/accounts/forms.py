from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import UserKind


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Email or mobile number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("The sign-in or the password is wrong."),
        "inactive": _("This account is deactivated."),
    }


class RegistrationForm(forms.Form):
    """The fields of registration; the rules themselves live in ``user_register``."""

    kind = forms.ChoiceField(
        label=_("I register as"),
        choices=[(UserKind.CITIZEN, _("Citizen")), (UserKind.BUSINESS, _("Business"))],
        initial=UserKind.CITIZEN,
        widget=forms.RadioSelect,
    )
    full_name = forms.CharField(
        label=_("Full name"), max_length=255, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        required=False,
        help_text=_("Enter an email address, a mobile number, or both."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    citizen_id = forms.CharField(
        label=_("Citizen identity number (optional)"),
        max_length=20,
        required=False,
        help_text=_("12 digits, as on your citizen identity card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    organization_name = forms.CharField(label=_("Business name"), max_length=255, required=False)
    tax_code = forms.CharField(
        label=_("Tax code (optional)"),
        max_length=20,
        required=False,
        help_text=_("10 digits, or 13 for a branch."),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_confirm"):
            self.add_error("password_confirm", _("The two passwords differ."))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
