"""Maps: no tile comes from an outside host by default, the map says in words when it has no base
map or its tiles fail, and a report with only an address shows that address instead of a map."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from PIL import Image

from egov.feedback import services
from tests.browser.conftest import screenshot
from tests.browser.test_dossiers import sign_in

NO_BASE_MAP = "Chưa cấu hình bản đồ nền"
TILES_FAILED = "Không tải được bản đồ nền"


def _placed(**extra):
    return services.report_create(
        actor=None, channel="app", service_code="street-light", description="Đèn tắt",
        address="Ngõ 7", lat=10.5353, long=106.4134, **extra,
    )  # fmt: skip


def _address_only():
    return services.report_create(
        actor=None, channel="app", service_code="street-light", description="Đèn tắt",
        address="Số 12 đường Trần Phú",
    )  # fmt: skip


# --- Pages, without a browser ------------------------------------------------------------------


def test_the_default_is_no_tile_server(settings, client, fb):
    assert settings.EGOV_MAP_TILE_URL == ""
    _placed()
    page = client.get("/feedback/").content.decode()
    assert '"tiles": ""' in page and "openstreetmap" not in page


def test_a_report_with_only_an_address_shows_the_address_instead_of_a_map(client, fb):
    report = _address_only()
    page = client.get(f"/feedback/{report.public_id}/").content.decode()
    assert 'class="feedback-map' not in page
    assert "Phản ánh không có vị trí trên bản đồ. Địa điểm theo mô tả:" in page
    assert (
        'id="feedback-detail-map-none"' in page and "<strong>Số 12 đường Trần Phú</strong>" in page
    )
    client.force_login(fb.world.leader_b)
    staff = client.get(f"/staff/feedback/{report.pk}/").content.decode()
    assert 'class="feedback-map' not in staff
    assert "<strong>Số 12 đường Trần Phú</strong>" in staff


def test_a_report_with_a_position_has_its_map(client, fb):
    report = _placed()
    page = client.get(f"/feedback/{report.public_id}/").content.decode()
    assert 'class="feedback-map small"' in page and "feedback-detail-map-none" not in page


# --- In Chromium -------------------------------------------------------------------------------


def _watch(page, base: str) -> list[str]:
    """Every request the page makes that does not go to egov's own host."""
    host = urlsplit(base).netloc
    outside: list[str] = []

    def seen(request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https") and parts.netloc != host:
            outside.append(request.url)

    page.on("request", seen)
    return outside


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_request_leaves_egov_on_the_map_pages(browser, page, live_server, fb):
    report = _placed()
    base = live_server.url
    outside = _watch(page, base)
    for path in (
        "/feedback/",
        f"/feedback/{report.public_id}/",
        "/feedback/new/?category=street-light",
    ):
        page.goto(base + path)
        page.wait_for_selector(".feedback-map:not([hidden]) .map-grid-tile")
        status = page.locator(".map-status")
        assert status.is_visible() and NO_BASE_MAP in status.inner_text(), path
        assert page.locator("img.leaflet-tile").count() == 0  # no image tile at all
    page.goto(f"{base}/feedback/")
    page.wait_for_selector(".leaflet-marker-icon")  # the markers still stand on the grid
    screenshot(page, "feedback-map-no-base-map-vi")
    # The staff page too, on a desktop.
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    desk = context.new_page()
    desk.set_default_timeout(15000)
    outside += _watch(desk, base)
    sign_in(desk, base, fb.world.leader_b)
    desk.goto(f"{base}/staff/feedback/{report.pk}/")
    desk.wait_for_selector(".feedback-map:not([hidden]) .leaflet-marker-icon")
    assert NO_BASE_MAP in desk.locator(".map-status").inner_text()
    context.close()
    assert outside == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_map_says_when_its_tiles_cannot_load(settings, page, live_server, fb):
    report = _placed()
    settings.EGOV_MAP_TILE_URL = "/map-tiles-missing/{z}/{x}/{y}.png"  # answers 404
    page.goto(f"{live_server.url}/feedback/{report.public_id}/")
    status = page.locator(".map-status")
    status.wait_for()
    assert TILES_FAILED in status.inner_text()
    screenshot(page, "feedback-map-tiles-failed-vi")
    assert page.locator(".feedback-map.no-tiles .map-grid-tile").count() > 0
    page.select_option("#language-select", "en")
    page.click(".lang-switch button")
    page.wait_for_load_state()
    page.locator(".map-status").wait_for()
    assert "The base map could not be loaded" in page.locator(".map-status").inner_text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_tiles_from_the_configured_server_are_shown_without_a_message(
    settings, page, live_server, fb
):
    report = _placed()
    settings.EGOV_MAP_TILE_URL = live_server.url + "/tiles/{z}/{x}/{y}.png"
    settings.EGOV_MAP_ATTRIBUTION = '<a href="/ban-quyen/">Bản đồ tỉnh</a>'
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (220, 230, 240)).save(buffer, format="PNG")
    served: list[str] = []

    def tile(route) -> None:
        served.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=buffer.getvalue())

    page.route("**/tiles/**", tile)
    page.goto(f"{live_server.url}/feedback/{report.public_id}/")
    page.wait_for_function("document.querySelectorAll('img.leaflet-tile-loaded').length > 0")
    assert served and all(url.startswith(live_server.url + "/tiles/") for url in served)
    assert page.locator(".map-status").is_hidden()
    assert page.locator(".feedback-map.no-tiles").count() == 0
    credit = page.locator(".leaflet-control-attribution a")
    assert credit.inner_text() == "Bản đồ tỉnh"
    assert credit.evaluate("a => getComputedStyle(a).textDecorationLine") == "underline"


# --- Tiles egov serves itself, from an MBTiles file --------------------------------------------


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def mbtiles(path, fmt: str = "png"):
    """A tiny MBTiles file: zoom 0, and zoom 1's north-west tile (x 0, y 0: TMS row 1)."""
    import sqlite3

    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name text, value text)")
    db.execute("CREATE TABLE tiles (zoom_level int, tile_column int, tile_row int, tile_data blob)")
    db.executemany(
        "INSERT INTO metadata VALUES (?, ?)",
        [
            ("name", "Tỉnh Thử"),
            ("format", fmt),
            ("attribution", "&copy; OpenStreetMap contributors"),
        ],
    )
    db.execute("INSERT INTO tiles VALUES (0, 0, 0, ?)", (_png((200, 200, 200)),))
    db.execute("INSERT INTO tiles VALUES (1, 0, 1, ?)", (_png((10, 120, 10)),))
    db.commit()
    db.close()
    return path


def test_egov_serves_the_tiles_of_its_mbtiles_file(settings, client, fb, tmp_path):
    settings.EGOV_MAP_TILES_FILE = str(mbtiles(tmp_path / "tinh.mbtiles"))
    _placed()
    north_west = client.get("/feedback/tiles/1/0/0.png")
    assert north_west.status_code == 200 and north_west["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(north_west.content)).getpixel((5, 5)) == (10, 120, 10)
    # A tile the extract does not hold is transparent, not an error the map would report.
    outside = client.get("/feedback/tiles/1/1/1.png")
    assert outside.status_code == 200
    assert Image.open(io.BytesIO(outside.content)).convert("RGBA").getpixel((0, 0))[3] == 0
    assert client.get("/feedback/tiles/1/2/0.png").status_code == 404  # no such tile number
    page = client.get("/feedback/").content.decode()
    assert '"tiles": "/feedback/tiles/{z}/{x}/{y}.png"' in page
    assert "&amp;copy; OpenStreetMap contributors" in page or "\\u0026copy;" in page
    # A tile server set explicitly comes first.
    settings.EGOV_MAP_TILE_URL = "https://tiles.tinh.gov.vn/{z}/{x}/{y}.png"
    assert (
        '"tiles": "https://tiles.tinh.gov.vn/{z}/{x}/{y}.png"'
        in client.get("/feedback/").content.decode()
    )


def test_without_an_mbtiles_file_there_are_no_tiles_to_serve(client, db):
    assert client.get("/feedback/tiles/0/0/0.png").status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_map_shows_egovs_own_tiles(settings, page, live_server, fb, tmp_path):
    settings.EGOV_MAP_TILES_FILE = str(mbtiles(tmp_path / "tinh.mbtiles"))
    report = _placed()
    outside = _watch(page, live_server.url)
    loaded: list[str] = []
    page.on(
        "requestfinished", lambda r: loaded.append(r.url) if "/feedback/tiles/" in r.url else None
    )
    page.goto(f"{live_server.url}/feedback/{report.public_id}/")
    page.wait_for_function("document.querySelectorAll('img.leaflet-tile-loaded').length > 0")
    assert loaded and outside == []
    assert page.locator(".map-status").is_hidden()
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
    screenshot(page, "feedback-map-own-tiles-vi")
