"""Pages of the core app: the citizens' home page and the error pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from egov.core.errors import EgovError, NotFound, PermissionDenied


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def apply_service_errors(form: Form, exc: EgovError) -> None:
    """Show a service's validation messages next to the form's fields."""
    for name, messages in exc.fields.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
    if not exc.fields:
        form.add_error(None, exc.message)


def render_error(request: HttpRequest, exc: EgovError) -> HttpResponse:
    template = {403: "403.html", 404: "404.html"}.get(exc.status, "400.html")
    return render(request, template, {"message": exc.message}, status=exc.status)


def signed_in_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """For a signed-in user's own pages (a citizen's dossiers): sign-in required, and a
    service's NotFound or PermissionDenied becomes the matching error page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except (NotFound, PermissionDenied) as exc:
            return render_error(request, exc)

    return wrapper


def staff_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """For pages of the staff area: sign-in required, and a service's NotFound or
    PermissionDenied becomes the matching error page in the user's language."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        from egov.organizations.permissions import is_staff_member

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_member(request.user):
            return render_error(request, PermissionDenied())
        try:
            return view(request, *args, **kwargs)
        except (NotFound, PermissionDenied) as exc:
            return render_error(request, exc)

    return wrapper


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
