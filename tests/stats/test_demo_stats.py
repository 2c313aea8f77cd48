from __future__ import annotations

from egov.accounts.models import User
from egov.demo import demo_load, demo_stats_load
from egov.organizations.selectors import province_find
from egov.stats.models import StatsQueue


def test_the_demo_dashboard_has_figures(client, db):
    demo_load(province_find("Tây Ninh"))
    assert demo_stats_load(count=400, years=1) == 400
    assert not StatsQueue.objects.exists()
    client.force_login(User.objects.get(email="admin@egov.example"))
    page = client.get("/staff/stats/")
    assert page.status_code == 200
    assert page.context["figures"]["received"] > 0 and page.context["ranking"]
