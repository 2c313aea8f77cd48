"""The demo data: dossiers at every stage, made through the services."""

from __future__ import annotations

from collections import Counter

from egov.accounts.models import User
from egov.demo import demo_load
from egov.dossiers.models import Dossier, DossierRating
from egov.dossiers.selectors import InboxFilters, inbox
from egov.organizations.selectors import province_find


def test_demo_dossiers_cover_the_lifecycle(db):
    result = demo_load(province_find("Tây Ninh"))
    assert result.dossiers == 8
    states = Counter(Dossier.objects.values_list("state", flat=True))
    assert states == {
        "submitted": 2, "received": 1, "in_progress": 1, "supplement_requested": 1,
        "processed": 1, "result_returned": 1, "refused": 1,
    }  # fmt: skip
    assert DossierRating.objects.get().value == "very_satisfied"
    # The received one was handed over to the wrong department, then recalled.
    received = Dossier.objects.get(state="received")
    assert list(received.events.values_list("action", flat=True)) == [
        "submit", "receive", "hand_over", "recall",
    ]  # fmt: skip
    assert received.current_agency == received.receiving_agency
    desk = User.objects.get(email="motcua@egov.example")
    assert inbox(user=desk, filters=InboxFilters()).count() >= 4
