"""The maps' base layer served by egov itself, from an MBTiles file (``EGOV_MAP_TILES_FILE``).

MBTiles is one SQLite file holding a tile set (raster PNG, JPEG or WebP), the usual way to carry
an offline extract of a province (made with TileMill, QGIS's "Generate XYZ tiles (MBTiles)",
gdal2tiles or ``mb-util``, from OpenStreetMap data or the province's own maps). egov reads it
read-only and answers ``/feedback/tiles/{z}/{x}/{y}.png``, so no tile comes from another host.

A tile outside the extract answers a transparent tile rather than an error, so that the map does
not say "the base map could not be loaded" at the edge of the province.
"""

from __future__ import annotations

import base64
import sqlite3
import threading
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

# A 1x1 transparent PNG.
BLANK = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg=="
)
TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}

_local = threading.local()


def _connection(path: str) -> sqlite3.Connection:
    """One read-only connection per thread and file."""
    connections: dict[str, sqlite3.Connection] = _local.__dict__.setdefault("connections", {})
    if path not in connections:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        connections[path] = sqlite3.connect(uri, uri=True, check_same_thread=False)
    return connections[path]


@cache
def metadata(path: str) -> dict[str, str]:
    """The file's metadata table (name, format, attribution, bounds…)."""
    rows = _connection(path).execute("SELECT name, value FROM metadata").fetchall()
    return {str(name): str(value) for name, value in rows}


def tile_url_template() -> str:
    """The base map's URL template: ``EGOV_MAP_TILE_URL``, or egov's own tiles when only
    ``EGOV_MAP_TILES_FILE`` is set, or "" (no base map)."""
    if settings.EGOV_MAP_TILE_URL:
        return str(settings.EGOV_MAP_TILE_URL)
    if settings.EGOV_MAP_TILES_FILE:
        return reverse("feedback:tile", kwargs={"z": 0, "x": 0, "y": 0}).replace(
            "/0/0/0.png", "/{z}/{x}/{y}.png"
        )
    return ""


def attribution() -> str:
    """``EGOV_MAP_ATTRIBUTION``, or the MBTiles file's own when egov serves it."""
    if settings.EGOV_MAP_ATTRIBUTION or settings.EGOV_MAP_TILE_URL:
        return str(settings.EGOV_MAP_ATTRIBUTION)
    if settings.EGOV_MAP_TILES_FILE:
        return metadata(str(settings.EGOV_MAP_TILES_FILE)).get("attribution", "")
    return ""


@require_GET
def tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    path = settings.EGOV_MAP_TILES_FILE
    if not path or z > 24 or x >= 2**z or y >= 2**z:
        raise Http404()
    row = (
        _connection(path)
        .execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (z, x, 2**z - 1 - y),  # MBTiles numbers rows from the south (TMS)
        )
        .fetchone()
    )
    if row is None:
        response = HttpResponse(BLANK, content_type="image/png")
    else:
        kind = TYPES.get(metadata(path).get("format", "png").lower(), "image/png")
        response = HttpResponse(bytes(row[0]), content_type=kind)
    response["Cache-Control"] = "public, max-age=86400"
    return response
