from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from egov.organizations.selectors import site_get


def site(request: HttpRequest) -> dict[str, Any]:
    """The site's name and province, for the page shell."""
    info = site_get()
    return {"site": info, "site_title": info.name or _("Public Service Portal")}
