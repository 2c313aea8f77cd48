"""Reads of Open311 API clients, for administrators."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from egov.accounts.models import User
from egov.open311.models import ApiClient
from egov.organizations.permissions import require_province_admin


def api_client_list(*, user: User | AnonymousUser) -> QuerySet[ApiClient]:
    require_province_admin(user)
    return ApiClient.objects.select_related("created_by").order_by("revoked_at", "-created_at")
