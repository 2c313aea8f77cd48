"""API for accounts: registration, tokens and the signed-in user."""

from __future__ import annotations

from datetime import datetime

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from egov.accounts import services
from egov.accounts.models import User
from egov.accounts.selectors import api_token_get
from egov.accounts.validators import phone_for_display
from egov.core.api import ERROR_RESPONSES
from egov.core.errors import NotAuthenticated, TooManyRequests
from egov.core.http import request_user
from egov.organizations.selectors import user_agencies

router = Router(tags=["accounts"])


class RegisterIn(Schema):
    full_name: str = Field(..., max_length=255)
    password: str = Field(..., max_length=128)
    email: str = ""
    phone: str = ""
    kind: str = "citizen"
    citizen_id: str = ""
    tax_code: str = ""
    organization_name: str = ""


class RoleOut(Schema):
    agency_id: int
    agency_name: str
    agency_code: str
    role: str
    role_label: str


class UserOut(Schema):
    id: int
    full_name: str
    email: str | None
    phone: str | None
    phone_display: str
    kind: str
    citizen_id: str | None
    tax_code: str
    organization_name: str
    roles: list[RoleOut]


def user_out(user: User) -> dict[str, object]:
    return {
        "id": user.pk,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "phone_display": phone_for_display(user.phone),
        "kind": user.kind,
        "citizen_id": user.citizen_id,
        "tax_code": user.tax_code,
        "organization_name": user.organization_name,
        "roles": [
            {
                "agency_id": a.agency_id,
                "agency_name": a.agency.name,
                "agency_code": a.agency.code,
                "role": a.role,
                "role_label": str(a.get_role_display()),
            }
            for a in user_agencies(user=user)
        ],
    }


@router.post("/auth/register", auth=None, response={201: UserOut, **ERROR_RESPONSES})
def register(request: HttpRequest, payload: RegisterIn) -> Status[dict[str, object]]:
    """Register a citizen or business account with an email address or a mobile number."""
    user = services.user_register(**payload.dict())
    return Status(201, user_out(user))


class TokenIn(Schema):
    username: str = Field(..., description="Email address or mobile number")
    password: str
    name: str = "API"
    days: int | None = None


class TokenOut(Schema):
    id: int
    name: str
    token: str = Field(..., description="Shown only once: keep it safe.")
    expires_at: datetime | None


@router.post("/auth/tokens", auth=None, response={201: TokenOut, **ERROR_RESPONSES})
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    """Exchange a sign-in and password for a bearer token. Failed attempts are throttled."""
    try:
        user = authenticate(request, username=payload.username, password=payload.password)
    except AxesBackendPermissionDenied:
        raise TooManyRequests() from None
    if getattr(request, "axes_locked_out", False):
        raise TooManyRequests()
    if user is None:
        raise NotAuthenticated(_("The sign-in or the password is wrong."))
    token, raw = services.api_token_create(user=user, name=payload.name, days=payload.days)
    return Status(
        201, {"id": token.pk, "name": token.name, "token": raw, "expires_at": token.expires_at}
    )


@router.delete("/auth/tokens/{token_id}", response={204: None, **ERROR_RESPONSES})
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    """Revoke one of your tokens."""
    token = api_token_get(user=request_user(request), token_id=token_id)
    services.api_token_revoke(actor=request_user(request), token=token)
    return Status(204, None)


@router.get("/me", response={200: UserOut, **ERROR_RESPONSES})
def me(request: HttpRequest) -> dict[str, object]:
    """The signed-in user, with their staff roles."""
    return user_out(request_user(request))
