"""The XML and JSON documents, parsed back the way clients parse them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from egov.open311 import render


def parse(body: bytes) -> ET.Element:
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(body)


def test_a_list_has_one_element_per_item_under_the_plural_root() -> None:
    body = render.to_xml("services", [{"service_code": "x", "metadata": True}])
    root = parse(body)
    assert root.tag == "services"
    assert [child.tag for child in root] == ["service"]
    assert root.findtext("service/service_code") == "x"
    assert root.findtext("service/metadata") == "true"


def test_json_is_the_bare_content_ids_stay_strings() -> None:
    content = [{"service_request_id": "PA-1", "lat": 10.5, "account_id": None}]
    assert json.loads(render.to_json(content)) == content


def test_nested_lists_and_empty_values() -> None:
    body = render.to_xml(
        "service_definition",
        {
            "service_code": "a",
            "attributes": [
                {"code": "c", "datatype_description": None, "values": [{"key": "1", "name": "Một"}]}
            ],
        },
    )
    root = parse(body)
    assert root.tag == "service_definition"
    assert root.findtext("attributes/attribute/values/value/name") == "Một"
    assert root.find("attributes/attribute/datatype_description").text is None  # type: ignore[union-attr]


def test_text_is_escaped_and_characters_xml_cannot_carry_are_dropped() -> None:
    nasty = "a < b && c > d ]]> \x0b\x00 Đường <script>"
    for body in (
        render.to_xml("errors", [{"code": "400", "description": nasty}]),
        render.request_list_xml([{"description": nasty}]),
    ):
        root = parse(body)
        text = root.findtext("*/description")
        assert text == "a < b && c > d ]]>  Đường <script>"
    assert "Đường".encode() in render.request_list_xml([{"description": "Đường"}])


def test_no_namespace_anywhere() -> None:
    body = render.request_list_xml([{"service_request_id": "1"}])
    assert b"xmlns" not in body
    assert parse(body).tag == "service_requests"


def test_dates_carry_the_offset_of_the_zone_including_summer_time() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from egov.open311.source import _iso

    for zone in ("Asia/Ho_Chi_Minh", "Europe/Paris", "America/St_Johns", "UTC"):
        tz = ZoneInfo(zone)
        # Around the 2026 summer-time changes in Europe and America, and a plain day.
        for epoch in (1774746000.0, 1774749599.5, 1774749600.0, 1792890000.0, 1767225600.0):
            expected = datetime.fromtimestamp(epoch, tz).isoformat(timespec="seconds")
            assert _iso(epoch, tz) == expected
