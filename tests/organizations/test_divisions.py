from __future__ import annotations

import pytest
from vietnam_provinces import Province, Ward

from egov.organizations.models import AdministrativeUnit
from egov.organizations.selectors import UnknownProvince, province_find
from egov.organizations.services import divisions_load_province


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Tây Ninh", 80),
        ("tay ninh", 80),
        ("TAY NINH", 80),
        ("80", 80),
        ("Huế", 46),
        ("Thành phố Huế", 46),
        ("hue", 46),
        ("bac_ninh", 24),
        ("Đồng Tháp", 82),
        ("01", 1),
    ],
)
def test_province_find(query, code):
    assert int(province_find(query).code) == code


def test_unknown_province_suggests_closest_names():
    with pytest.raises(UnknownProvince) as exc:
        province_find("Tay Nimh")
    assert "Tây Ninh" in exc.value.suggestions
    assert "Tây Ninh" in exc.value.message


def test_all_34_provinces_resolve_by_name():
    provinces = list(Province.iter_all())
    assert len(provinces) == 34
    for province in provinces:
        assert province_find(province.name) == province


def test_load_province_with_all_its_communes(db):
    hue = province_find("Huế")
    unit = divisions_load_province(actor=None, province=hue)
    expected = {str(int(w.code)) for w in Ward.iter_by_province(hue.code)}
    loaded = set(AdministrativeUnit.objects.filter(parent=unit).values_list("code", flat=True))
    assert loaded == expected and len(expected) > 30
    assert unit.level.code == "province"
    assert set(
        AdministrativeUnit.objects.filter(parent=unit).values_list("level__code", flat=True)
    ) == {"commune"}
    # Loading again adds nothing and removes nothing.
    divisions_load_province(actor=None, province=hue)
    assert AdministrativeUnit.objects.filter(parent=unit).count() == len(expected)


def test_divisions_api_is_public(client, db):
    divisions_load_province(actor=None, province=province_find("Huế"))
    provinces = client.get("/api/v1/divisions").json()
    assert [p["name"] for p in provinces] == ["Thành phố Huế"]
    communes = client.get("/api/v1/divisions?parent_code=46").json()
    assert communes and all(c["level"] == "commune" for c in communes)


def test_levels_are_data_a_district_tier_can_be_added(db):
    from egov.organizations.models import AdministrativeLevel

    AdministrativeLevel.objects.create(code="district", name="Huyện", name_en="District", rank=2)
    assert list(AdministrativeLevel.objects.values_list("code", flat=True)) == [
        "province",
        "district",
        "commune",
    ]
