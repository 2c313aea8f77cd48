"""Public and citizens' pages of citizen feedback. Writes go through ``services``."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from egov.core.errors import NotFound
from egov.core.views import render_error
from egov.feedback import selectors


@require_GET
def photo(request: HttpRequest, photo_id: int) -> HttpResponseBase:
    """The public version of a photo (never the original of a redacted one)."""
    try:
        name, content_type = selectors.public_photo_get(photo_id)
    except NotFound as exc:
        return render_error(request, exc)
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
