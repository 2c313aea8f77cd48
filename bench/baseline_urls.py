"""egov's URL map plus one bench-only view: the least Django can do to answer a lookup.

``GET /bench/lookup-baseline?code=..&secret=..`` reads the same dossier row as the public
lookup (``GET /api/v1/lookup``), by its unique code, with one query, and returns a few of its
fields as JSON. It has no throttle, no events, no joins and no schema: it is the floor the
lookup is compared with (target: lookup throughput at least 0.7 of this view's), served by the
same gunicorn, through the same middleware, in the same run.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path

from egov.dossiers.models import Dossier
from egov.urls import handler403, handler404, handler500  # noqa: F401
from egov.urls import urlpatterns as egov_urlpatterns

FIELDS = (
    "code",
    "state",
    "national_status",
    "submitted_at",
    "received_at",
    "appointment_at",
    "processed_at",
    "lookup_secret",
)


def lookup_baseline(request: HttpRequest) -> JsonResponse:
    code = request.GET.get("code", "").strip().upper()
    secret = request.GET.get("secret", "").strip().upper()
    try:
        dossier = Dossier.objects.only(*FIELDS).get(code=code)
    except Dossier.DoesNotExist:
        return JsonResponse({"error": "not found"}, status=404)
    if dossier.lookup_secret != secret:
        return JsonResponse({"error": "not found"}, status=404)
    return JsonResponse(
        {
            "code": dossier.code,
            "state": dossier.state,
            "national_status": dossier.national_status,
            "submitted_at": dossier.submitted_at,
            "received_at": dossier.received_at,
            "appointment_at": dossier.appointment_at,
            "processed_at": dossier.processed_at,
        }
    )


urlpatterns = [path("bench/lookup-baseline", lookup_baseline), *egov_urlpatterns]
