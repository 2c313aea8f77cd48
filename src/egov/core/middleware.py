from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import get_supported_language_variant


class LanguageMiddleware(LocaleMiddleware):
    """Pages are in Vietnamese unless the user chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, so an
    official whose browser happens to be set to English would get English pages; a
    Vietnamese public portal should not. The API, used by programs that ask for a language
    on purpose, still follows Accept-Language.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            if (
                "HTTP_ACCEPT_LANGUAGE" in request.META
                or settings.LANGUAGE_COOKIE_NAME in request.COOKIES
                or is_language_prefix_patterns_used(
                    getattr(request, "urlconf", settings.ROOT_URLCONF)
                )[0]
            ):
                super().process_request(request)
                return
            # A program that asks for no language (no header, no cookie) gets the default,
            # as LocaleMiddleware would decide, without its parsing (the public lookup's
            # requests mostly come so).
            translation.activate(_default_language())
            request.LANGUAGE_CODE = translation.get_language()
            return
        supported = {code for code, _name in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _default_language() -> str:
    """LocaleMiddleware's choice when the request names no language."""
    try:
        return get_supported_language_variant(settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE
