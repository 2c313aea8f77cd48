"""The REST API at /api/v1/, documented by its OpenAPI 3 schema at /api/v1/openapi.json."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Schema

from egov.accounts.api import router as accounts_router
from egov.core.api import EgovAPI, SessionAuth, TokenAuth, install_error_handlers
from egov.dossiers.api import router as dossiers_router
from egov.organizations.api import router as organizations_router
from egov.procedures.api import router as procedures_router
from egov.worktime.api import router as worktime_router

api = EgovAPI(
    title="egov API",
    version="1.0.0",
    description=(
        "The egov platform's API. Authenticate with a bearer token (POST /api/v1/auth/tokens) "
        "or, from the browser, with the signed-in session. A call with a valid token is never "
        "checked for CSRF; a write authenticated by the session must carry the CSRF token "
        "(X-CSRFToken header), else 403. A call with no valid credentials answers 401.\n\n"
        'Every error has the form {"error": {"status", "code", "message", "fields"}}, '
        "including 404 for a path the API does not have (paths have no trailing slash) and "
        "405 for a method a path does not take (with the Allow header). Messages are in "
        "Vietnamese, or in English with Accept-Language: en."
    ),
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    docs_url="/docs",
)
install_error_handlers(api)


class HealthOut(Schema):
    status: str
    database: str


@api.get("/health", auth=None, response=HealthOut, tags=["system"])
def health(request: HttpRequest) -> dict[str, str]:
    """Liveness and database check, for load balancers."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor}


api.add_router("/", accounts_router)
api.add_router("/", organizations_router)
api.add_router("/", procedures_router)
api.add_router("/", worktime_router)
api.add_router("/", dossiers_router)
api.add_router("/", "egov.dossiers.api_documents.router")
api.add_router("/", "egov.stats.api.router")
api.add_router("/", "egov.feedback.api.router")
