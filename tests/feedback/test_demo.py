"""The demo's feedback: categories routed to departments and reports at every stage."""

from __future__ import annotations

from collections import Counter

from egov.demo import demo_load
from egov.feedback import selectors
from egov.feedback.models import Category, Report
from egov.organizations.selectors import province_find


def test_demo_feedback(db):
    demo_load(province_find("Tây Ninh"))
    assert Category.objects.filter(is_active=True).count() == 5
    statuses = Counter(Report.objects.values_list("status", flat=True))
    assert statuses == {
        "received": 2,
        "in_progress": 1,
        "resolved": 1,
        "rejected": 1,
        "duplicate": 1,
    }
    assert Report.objects.filter(channel="hotline").count() == 1
    figures = selectors.agency_figures()
    assert any(f.average_rating == 5.0 for f in figures)
