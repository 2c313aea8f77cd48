"""Pages for signing in and out, registering, and the user's own account."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts import selectors, services
from egov.accounts.forms import RegistrationForm, SignInForm, TokenForm
from egov.core.api import error_body
from egov.core.errors import NotFound, ValidationFailed
from egov.core.http import HtmxHttpRequest, request_user
from egov.core.views import apply_service_errors, render_error
from egov.organizations.selectors import user_agencies


class SignInView(LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What django-axes answers once sign-in attempts are throttled."""
    message = _("Too many failed sign-in attempts. Please wait 15 minutes and try again.")
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(429, "too_many_requests", message), status=429)
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password_confirm"}
        try:
            user = services.user_register(**data)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            login(request, user, backend="egov.accounts.backends.EmailOrPhoneBackend")
            messages.success(request, _("Welcome! Your account has been created."))
            return redirect("accounts:profile")
    return render(request, "accounts/register.html", {"form": form})


def _account_page(request: HtmxHttpRequest, **extra: Any) -> HttpResponse:
    """The account page, or only its token panel when htmx asks for it."""
    context = {
        "assignments": user_agencies(user=request_user(request)),
        "tokens": selectors.api_tokens_of(user=request_user(request)),
        "token_form": TokenForm(),
        **extra,
    }
    template = "accounts/_tokens.html" if request.htmx else "accounts/profile.html"
    return render(request, template, context)


@login_required
def profile(request: HtmxHttpRequest) -> HttpResponse:
    return _account_page(request)


@login_required
@require_POST
def token_create(request: HtmxHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, raw = services.api_token_create(
                user=request_user(request),
                name=form.cleaned_data["name"],
            )
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            return _account_page(request, new_token=raw)
    return _account_page(request, token_form=form)


@login_required
@require_POST
def token_revoke(request: HtmxHttpRequest, token_id: int) -> HttpResponse:
    try:
        token = selectors.api_token_get(user=request_user(request), token_id=token_id)
    except NotFound as exc:
        return render_error(request, exc)
    services.api_token_revoke(actor=request_user(request), token=token)
    return _account_page(request)
