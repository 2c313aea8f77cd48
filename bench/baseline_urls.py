"""egov's URL map plus two bench-only views: the least Django can do to answer a lookup, and
to make a change.

``GET /bench/lookup-baseline?code=..&secret=..`` reads the same dossier row as the public
lookup (``GET /api/v1/lookup``), by its unique code, with one query, and returns a few of its
fields as JSON. It has no throttle, no events, no joins and no schema: it is the floor the
lookup is compared with (target: lookup throughput at least 0.7 of this view's), served by the
same server, through the same middleware, in the same run.

``POST /bench/transition-baseline?id=..`` is the same floor for a transition: in one
transaction it locks a dossier's row, bumps its version and adds one timeline event, then
answers the new version as JSON. No authentication, permission, audit record, notification,
statistics row or schema: what is left is the request, the lock, one update, one insert and
the commit. The transition runs are measured beside it.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from egov.dossiers.models import Dossier, DossierEvent
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


@csrf_exempt
@require_POST
def transition_baseline(request: HttpRequest) -> JsonResponse:
    try:
        pk = int(request.GET.get("id", ""))
    except ValueError:
        return JsonResponse({"error": "bad id"}, status=400)
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update().only("id", "state", "version").filter(pk=pk).first()
        )
        if dossier is None:
            return JsonResponse({"error": "not found"}, status=404)
        dossier.version += 1
        dossier.save(update_fields=["version"])
        DossierEvent.objects.create(
            dossier=dossier,
            at=timezone.now(),
            action="bench",
            actor_label="bench",
            from_state=dossier.state,
            to_state=dossier.state,
        )
    return JsonResponse({"version": dossier.version})


urlpatterns = [
    path("bench/lookup-baseline", lookup_baseline),
    path("bench/transition-baseline", transition_baseline),
    *egov_urlpatterns,
]
