from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class LanguageMiddleware(LocaleMiddleware):
    """Pages are in Vietnamese unless the user chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, so an
    official whose browser happens to be set to English would get English pages; a
    Vietnamese public portal should not. The API, used by programs that ask for a language
    on purpose, still follows Accept-Language.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        supported = {code for code, _name in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
