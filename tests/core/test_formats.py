"""egov's one way of showing dates, numbers, money, durations and phone numbers (issue 15,
item 9), in both languages, and the pages that use it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from egov.core import formats

MOMENT = datetime(2026, 12, 7, 7, 5, tzinfo=UTC)  # 14:05 in Vietnam


def render(text: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load egov accounts %}" + text).render(Context(context))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_one_date_and_date_time_format_in_local_time(language):
    assert render("{{ t|when }}", language, t=MOMENT) == "07/12/2026 14:05"
    assert render("{{ t|day }}", language, t=MOMENT) == "07/12/2026"
    # Django's own |date formats agree (egov/formats/<lang>/formats.py).
    assert render('{{ t|date:"SHORT_DATETIME_FORMAT" }}', language, t=MOMENT) == (
        "07/12/2026 14:05"
    )


def test_thousands_and_money_as_each_language_writes_them():
    assert render("{{ n|money }}", "vi", n=8000) == "8.000 đ"
    assert render("{{ n|money }}", "en", n=8000) == "8,000 VND"
    assert render("{{ n|number }}", "vi", n=1234567) == "1.234.567"
    assert render("{{ n|number }}", "en", n=1234567) == "1,234,567"
    # Django's intcomma follows the same grouping now (it grouped nothing in Vietnamese).
    assert render("{% load humanize %}{{ n|intcomma }}", "vi", n=8000) == "8.000"


def test_durations_agree_with_their_number():
    with translation.override("en"):
        assert formats.duration_text(1) == "1 working day"
        assert formats.duration_text(2) == "2 working days"
        assert formats.duration_text(Decimal("1.50")) == "1.5 working days"
        assert formats.duration_text(Decimal("1.00"), "working_hours") == "1 working hour"
        assert formats.duration_text(Decimal("0.5"), "working_hours") == "0.5 working hours"
    with translation.override("vi"):
        assert formats.duration_text(Decimal("1.5")) == "1,5 ngày làm việc"
        assert formats.duration_text(1) == "1 ngày làm việc"


def test_one_phone_format():
    assert render("{{ p|phone }}", "vi", p="+84912345678") == "0912 345 678"
    assert render("{{ p|phone }}", "en", p="0912345678") == "0912 345 678"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_forms_read_dates_as_egov_shows_them(language):
    from django import forms

    class F(forms.Form):
        day = forms.DateField()

    with translation.override(language):
        f = F({"day": "07/12/2026"})
        assert f.is_valid() and f.cleaned_data["day"].isoformat() == "2026-12-07"
        f = F({"day": "2026-12-07"})
        assert f.is_valid() and f.cleaned_data["day"].isoformat() == "2026-12-07"
