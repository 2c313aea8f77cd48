"""The searchable lists of agencies and communes (the typeahead of form fields): the server's
search, what each user may find, and the fields that use them."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders

from egov.core.text import fold
from egov.organizations.models import AdministrativeLevel, AdministrativeUnit
from tests import factories


def search(client, kind, q, **params):
    response = client.get(f"/directory/{kind}/", {"q": q, **params})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def labels(body):
    return [r["label"] for r in body["results"]]


@pytest.fixture
def justice(world):
    agency = factories.agency("Sở Tư pháp", parent=world.a.parent)
    unit = factories.agency("Phòng Hộ tịch", type_code="internal_unit", parent=agency)
    return agency, unit


def test_agencies_by_name_without_diacritics_or_by_code(client, world, justice):
    agency, _unit = justice
    client.force_login(world.leader_b)
    for query in ("tu phap", "Tư Pháp", "SỞ TƯ", agency.code, agency.code.lower()):
        body = search(client, "agencies", query)
        assert labels(body) == ["Sở Tư pháp"], query
    first = body["results"][0]
    assert first == {"value": str(agency.pk), "label": "Sở Tư pháp", "hint": agency.code}
    assert search(client, "agencies", "khong co")["results"] == []


@pytest.mark.usefixtures("justice")
def test_staff_find_every_agency_the_public_not_internal_units(client, world):
    assert labels(search(client, "agencies", "ho tich")) == []  # anonymous
    client.force_login(world.citizen)
    assert labels(search(client, "agencies", "ho tich")) == []
    assert labels(search(client, "agencies", "tu phap")) == ["Sở Tư pháp"]
    # Staff of another department find it: a hand-over may go to any agency.
    client.force_login(world.leader_b)
    assert labels(search(client, "agencies", "ho tich")) == ["Phòng Hộ tịch"]
    # One type only (a submission lists the procedure's type of agency).
    assert labels(search(client, "agencies", "", type="internal_unit")) == [
        "Phòng A1", "Phòng Hộ tịch",
    ]  # fmt: skip


def test_results_are_limited_and_say_how_many(client, world):
    for n in range(25):
        factories.agency(f"Ủy ban nhân dân xã Thử A{n:02d}", type_code="commune_pc")
    client.force_login(world.leader_b)
    body = search(client, "agencies", "xa thu")
    assert len(body["results"]) == 20
    assert "20" in body["message"] and "kết quả đầu tiên" in body["message"]
    body = search(client, "agencies", "xa thu a07")  # letters: no identifier code has them
    assert labels(body) == ["Ủy ban nhân dân xã Thử A07"] and body["message"] == "1 kết quả."
    assert search(client, "agencies", "zzz")["message"].startswith("Không tìm thấy")
    assert client.post("/directory/agencies/", {"q": "x"}).status_code == 405


@pytest.fixture
def communes(db):
    province = AdministrativeUnit.objects.create(
        code="46", name="Thành phố Huế", division_type="thành phố trung ương",
        level=AdministrativeLevel.objects.get(code="province"), search_name="thanh pho hue",
    )  # fmt: skip
    level = AdministrativeLevel.objects.get(code="commune")
    for code, name in (("19753", "Phường Thuận Hóa"), ("19774", "Phường Phú Xuân"),
                       ("20014", "Xã Phú Vang")):  # fmt: skip
        AdministrativeUnit.objects.create(
            code=code, name=name, division_type=name.split()[0].lower(), level=level,
            parent=province, search_name=fold(name),
        )  # fmt: skip
    return province


def test_communes_for_anyone_by_name_or_official_code(client, communes):
    # Words starting with what is typed, whole words first ("phu" also starts "phuong").
    assert labels(search(client, "communes", "phu")) == [
        "Phường Phú Xuân", "Xã Phú Vang", "Phường Thuận Hóa",
    ]  # fmt: skip
    assert labels(search(client, "communes", "xuan")) == ["Phường Phú Xuân"]
    assert labels(search(client, "communes", "uan")) == []  # not inside a word
    # The old tone placement ("Hoá") and no diacritics at all find "Hóa".
    assert labels(search(client, "communes", "Thuận Hoá")) == ["Phường Thuận Hóa"]
    assert labels(search(client, "communes", "thuan hoa")) == ["Phường Thuận Hóa"]
    assert labels(search(client, "communes", "019753")) == ["Phường Thuận Hóa"]
    # The province is not a commune.
    assert "Thành phố Huế" not in labels(search(client, "communes", "hue"))
    first = search(client, "communes", "phu vang")["results"][0]
    assert first["label"] == "Xã Phú Vang" and first["hint"] == "20014"
    assert first["value"] == str(AdministrativeUnit.objects.get(code="20014").pk)


# --- The fields that use them -------------------------------------------------------------------


def test_the_script_is_served_by_egov_and_loaded_by_every_page(client, db):
    assert finders.find("egov/typeahead.js")
    html = client.get("/").content.decode()
    assert '<script src="/static/egov/typeahead.js" defer></script>' in html
    assert "https://" not in html.split("</head>")[0]


def test_the_feedback_form_searches_communes(client, world, communes):
    from egov.feedback.services import category_save

    category_save(
        actor=world.admin, service_code="street-light", name="Đèn đường hỏng",
        agency_id=world.b.pk, response_days=10,
    )  # fmt: skip
    html = client.get("/feedback/new/?category=street-light").content.decode()
    select = html.split('name="area"')[0].rsplit("<select", 1)[1] + html.split('name="area"')[1]
    assert 'data-typeahead="/directory/communes/"' in select
    # Without JavaScript it is a plain select with every commune.
    assert "Phường Thuận Hóa" in select and "Xã Phú Vang" in select


def test_a_reports_transfer_searches_agencies(world):
    from egov.feedback.forms import TransferForm

    form = TransferForm(agencies=[world.a, world.b])
    html = str(form["agency"])
    assert 'data-typeahead="/directory/agencies/"' in html and "Sở B" in html
    # A choice the search offered is checked against the page's list.
    bound = TransferForm(
        {"version": 1, "agency": str(world.b.pk), "reason": "x"}, agencies=[world.b]
    )
    assert bound.is_valid() and bound.cleaned_data["agency"] == world.b.pk
    other = TransferForm(
        {"version": 1, "agency": str(world.a.pk), "reason": "x"}, agencies=[world.b]
    )
    assert not other.is_valid() and "agency" in other.errors
