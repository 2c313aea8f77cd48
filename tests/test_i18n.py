"""Vietnamese first, English complete: every message has a Vietnamese translation."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.urls import reverse

LOCALE = Path(__file__).resolve().parent.parent / "src" / "egov" / "locale" / "vi" / "LC_MESSAGES"


def test_every_message_is_translated_to_vietnamese():
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"
    assert len(po.translated_entries()) > 100


def test_compiled_catalog_matches_the_source():
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in mo}
    for entry in po.translated_entries():
        expected = entry.msgstr or entry.msgstr_plural.get(0)
        assert compiled.get((entry.msgctxt, entry.msgid)) == expected, (
            f"django.mo is stale for {entry.msgid!r}: run msgfmt (see docs/development.md)"
        )


def test_home_is_vietnamese_by_default(client, db):
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html


def test_language_switcher_sets_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html and "Đăng nhập" not in html


@pytest.mark.parametrize("name", ["accounts:login", "accounts:register"])
def test_pages_render_in_both_languages(client, db, name):
    vi = client.get(reverse(name)).content.decode()
    client.cookies["django_language"] = "en"
    en = client.get(reverse(name)).content.decode()
    assert vi != en


def test_pages_stay_vietnamese_whatever_the_browser_asks(client, db):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html


def test_api_follows_accept_language(client, db):
    body = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["error"]["message"] == "Please sign in first."


def test_a_withdrawn_dossier_and_an_unpublished_procedure_read_differently():
    # One English word, two meanings: the citizen took the dossier back; the procedure is no
    # longer published. Vietnamese needs two words ("bãi bỏ" would say the dossier was annulled).
    from django.utils import translation

    from egov.dossiers.models import DossierState

    with translation.override("vi"):
        assert str(DossierState.WITHDRAWN.label) == "Đã rút hồ sơ"
        assert translation.gettext("Not published") == "Ngừng công bố"
