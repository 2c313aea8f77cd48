"""A staff member of agency A cannot read or change agency B's records, by page or by API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from egov.core.models import AuditRecord
from egov.organizations import permissions
from egov.organizations.models import Agency


def api_token(client, user):
    from egov.accounts.services import api_token_create

    _token, raw = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# --- the rules -------------------------------------------------------------------------------


def test_read_scope_is_own_agency_and_subtree(world):
    scope = permissions.read_scope(world.leader_a)
    assert scope.contains(world.a) and scope.contains(world.a_unit)
    assert not scope.contains(world.b)
    unit_scope = permissions.read_scope(world.unit_specialist)
    assert unit_scope.contains(world.a_unit) and not unit_scope.contains(world.a)


def test_wide_roles(world):
    assert permissions.read_scope(world.admin).everything
    assert permissions.read_scope(world.ioc).everything
    assert not permissions.change_scope(world.ioc).contains(world.a)
    assert permissions.change_scope(world.admin).contains(world.b)


def test_only_leaders_change(world):
    assert permissions.change_scope(world.leader_a).contains(world.a_unit)
    assert not permissions.change_scope(world.specialist_a).contains(world.a)


def test_citizen_and_anonymous_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert permissions.read_scope(world.citizen) == permissions.NOTHING
    assert permissions.read_scope(AnonymousUser()) == permissions.NOTHING


# --- pages -------------------------------------------------------------------------------


def test_page_list_shows_only_own_agencies(client, world):
    client.force_login(world.leader_a)
    names = [a.name for a in client.get(reverse("organizations:agency_list")).context["agencies"]]
    assert "Sở A" in names and "Phòng A1" in names
    assert "Sở B" not in names


def test_page_other_agency_detail_is_not_found(client, world):
    client.force_login(world.leader_a)
    assert client.get(reverse("organizations:agency_detail", args=[world.a.pk])).status_code == 200
    response = client.get(reverse("organizations:agency_detail", args=[world.b.pk]))
    assert response.status_code == 404
    assert "Sở B" not in response.content.decode()


def test_page_cannot_change_other_agency(client, world):
    client.force_login(world.leader_a)
    url = reverse("organizations:agency_edit", args=[world.b.pk])
    before = AuditRecord.objects.count()
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Hacked"}).status_code == 404
    assert Agency.objects.get(pk=world.b.pk).name == "Sở B"
    assert AuditRecord.objects.count() == before


def test_page_specialist_cannot_change_own_agency(client, world):
    client.force_login(world.specialist_a)
    url = reverse("organizations:agency_edit", args=[world.a.pk])
    assert client.post(url, {"name": "Renamed"}).status_code == 403
    assert Agency.objects.get(pk=world.a.pk).name == "Sở A"


def test_page_leader_changes_own_agency(client, world):
    client.force_login(world.leader_a)
    url = reverse("organizations:agency_edit", args=[world.a.pk])
    response = client.post(url, {"name": "Sở A mới", "email": "soa@example.com"})
    assert response.status_code == 302
    assert Agency.objects.get(pk=world.a.pk).name == "Sở A mới"
    record = AuditRecord.objects.order_by("-id").first()
    assert record.action == "organizations.agency.update" and record.actor == world.leader_a


def test_page_bad_email_shows_error_and_saves_nothing(client, world):
    client.force_login(world.leader_a)
    url = reverse("organizations:agency_edit", args=[world.a.pk])
    response = client.post(url, {"name": "Sở A", "email": "not-an-email"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert Agency.objects.get(pk=world.a.pk).email == ""


def test_staff_area_links_to_every_staff_page_the_reader_may_open(client, world):
    pages = [
        reverse("dossiers_staff:inbox"),
        reverse("feedback_staff:inbox"),
        reverse("feedback_staff:hotline"),
        reverse("stats_staff:dashboard"),
        reverse("organizations:agency_list"),
        reverse("procedures_staff:list"),
    ]
    keys = reverse("open311_staff:api_clients")
    client.force_login(world.specialist_a)
    html = client.get(reverse("organizations:staff_home")).content.decode()
    assert all(f'href="{url}"' in html for url in pages)
    assert f'href="{keys}"' not in html  # only provincial administrators manage API keys
    assert all(client.get(url).status_code == 200 for url in pages)
    client.force_login(world.admin)
    html = client.get(reverse("organizations:staff_home")).content.decode()
    assert f'href="{keys}"' in html
    assert client.get(keys).status_code == 200


def test_page_citizen_is_refused_staff_area(client, world):
    client.force_login(world.citizen)
    assert client.get(reverse("organizations:staff_home")).status_code == 403
    assert client.get(reverse("organizations:agency_detail", args=[world.a.pk])).status_code == 403


def test_page_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(reverse("organizations:agency_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_page_audit_trail_only_for_leaders(client, world):
    client.force_login(world.leader_a)
    assert client.get(reverse("organizations:agency_detail", args=[world.a.pk])).context["audit"]
    client.force_login(world.specialist_a)
    assert (
        client.get(reverse("organizations:agency_detail", args=[world.a.pk])).context["audit"] == []
    )


# --- API -------------------------------------------------------------------------------


def test_api_list_shows_only_own_agencies(client, world):
    auth = api_token(client, world.leader_a)
    codes = {a["name"] for a in client.get("/api/v1/agencies", **auth).json()}
    assert codes == {"Sở A", "Phòng A1"}


@pytest.mark.parametrize("path", ["/api/v1/agencies/{id}", "/api/v1/agencies/{id}/staff"])
def test_api_other_agency_reads_are_not_found(client, world, path):
    auth = api_token(client, world.leader_a)
    assert client.get(path.format(id=world.a.pk), **auth).status_code == 200
    response = client.get(path.format(id=world.b.pk), **auth)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_cannot_change_other_agency(client, world):
    auth = api_token(client, world.leader_a)
    before = AuditRecord.objects.count()
    response = client.patch(
        f"/api/v1/agencies/{world.b.pk}",
        {"name": "Hacked"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404
    assert Agency.objects.get(pk=world.b.pk).name == "Sở B"
    assert AuditRecord.objects.count() == before


def test_api_specialist_forbidden_to_change(client, world):
    auth = api_token(client, world.specialist_a)
    response = client.patch(
        f"/api/v1/agencies/{world.a.pk}", {"name": "X"}, content_type="application/json", **auth
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_api_leader_changes_own_unit(client, world):
    auth = api_token(client, world.leader_a)
    response = client.patch(
        f"/api/v1/agencies/{world.a_unit.pk}",
        {"phone": "0276 111 222"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "0276 111 222"


def test_api_admin_and_ioc_read_everything(client, world):
    for user in (world.admin, world.ioc):
        auth = api_token(client, user)
        assert client.get(f"/api/v1/agencies/{world.b.pk}", **auth).status_code == 200
    auth = api_token(client, world.ioc)
    response = client.patch(
        f"/api/v1/agencies/{world.b.pk}", {"name": "X"}, content_type="application/json", **auth
    )
    assert response.status_code == 403


def test_api_session_auth_needs_csrf_for_writes(world):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.leader_a)
    assert csrf_client.get(f"/api/v1/agencies/{world.a.pk}").status_code == 200
    response = csrf_client.patch(
        f"/api/v1/agencies/{world.a.pk}", {"name": "X"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Agency.objects.get(pk=world.a.pk).name == "Sở A"


def test_api_anonymous_is_401(client, world):
    response = client.get("/api/v1/agencies")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_agency_search_ignores_diacritics(client, world):
    client.force_login(world.admin)
    for query in ["so a", "Sở A", "SO A"]:
        names = [
            a.name
            for a in client.get(reverse("organizations:agency_list"), {"q": query}).context[
                "agencies"
            ]
        ]
        assert names == ["Sở A"], query
    by_code = client.get(reverse("organizations:agency_list"), {"q": world.b.code}).context[
        "agencies"
    ]
    assert [a.name for a in by_code] == ["Sở B"]


def test_audit_trail_is_readable(client, world):
    client.force_login(world.leader_a)
    client.post(
        reverse("organizations:agency_edit", args=[world.a.pk]), {"name": "Sở A", "phone": "0276 1"}
    )
    html = client.get(reverse("organizations:agency_detail", args=[world.a.pk])).content.decode()
    assert "Thay đổi thông tin cơ quan" in html or "Agency details changed" in html
    assert "— → 0276 1" in html
