"""LanguageMiddleware on /api/: the request's Accept-Language, else the language cookie, else
Vietnamese, as Django's LocaleMiddleware decides (a request naming no language takes a
shorter way to the same answer)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.test import RequestFactory
from django.utils import translation

from egov.core.middleware import LanguageMiddleware

CASES = [
    {},
    {"HTTP_ACCEPT_LANGUAGE": "en"},
    {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"},
    {"HTTP_ACCEPT_LANGUAGE": "fr"},
    {"HTTP_ACCEPT_LANGUAGE": ""},
    {"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=en"},
    {"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=xx"},
]


@pytest.mark.parametrize("headers", CASES)
def test_the_api_gets_the_language_django_would_choose(headers):
    chosen = []
    for middleware in (LanguageMiddleware, LocaleMiddleware):
        request = RequestFactory().get("/api/v1/lookup", **headers)
        with translation.override(None):
            middleware(lambda r: HttpResponse()).process_request(request)
            chosen.append((translation.get_language(), request.LANGUAGE_CODE))
    assert chosen[0] == chosen[1]
    expected = "en" if "=en" in headers.get("HTTP_COOKIE", "") else settings.LANGUAGE_CODE
    if headers.get("HTTP_ACCEPT_LANGUAGE", "").startswith("en"):
        expected = "en"
    assert chosen[0] == (expected, expected)


def test_an_api_error_without_a_language_is_vietnamese(client, db):
    answer = client.get("/api/v1/lookup", {"code": "NO-SUCH", "secret": "X"})
    assert answer.status_code == 404
    assert (
        answer.json()["error"]["message"]
        == "Không có hồ sơ nào khớp với mã hồ sơ và mã tra cứu này."
    )
    english = client.get(
        "/api/v1/lookup", {"code": "NO-SUCH", "secret": "X"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json()["error"]["message"] == "No dossier matches this code and lookup code."
