"""The feedback settings are read from the environment and checked at start."""

from __future__ import annotations

import subprocess

import pytest

from tests.test_settings import settings_in_subprocess


def test_map_and_notify_settings(tmp_path) -> None:
    out = settings_in_subprocess(
        {
            "EGOV_DATA_DIR": str(tmp_path),
            "EGOV_MAP_TILE_URL": "https://tiles.tinh.gov.vn/{z}/{x}/{y}.png",
            "EGOV_MAP_CENTER": "11.31,106.10",
            "EGOV_FEEDBACK_NOTIFY": "email",
        },
        "print(settings.EGOV_MAP_TILE_URL, settings.EGOV_MAP_CENTER, *settings.EGOV_FEEDBACK_NOTIFY)",
    )
    assert out.split() == ["https://tiles.tinh.gov.vn/{z}/{x}/{y}.png", "11.31,106.10", "email"]


def test_no_tile_server_by_default(tmp_path) -> None:
    out = settings_in_subprocess(
        {"EGOV_DATA_DIR": str(tmp_path)},
        "print(repr(settings.EGOV_MAP_TILE_URL), repr(settings.EGOV_MAP_ATTRIBUTION))",
    )
    assert out.split() == ["''", "''"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("EGOV_MAP_CENTER", "Huế"),
        ("EGOV_FEEDBACK_NOTIFY", "sms,fax"),
        ("EGOV_MAP_TILE_URL", "tiles.tinh.gov.vn/{z}/{x}/{y}.png"),
        ("EGOV_MAP_TILE_URL", "https://tiles.tinh.gov.vn/tile.png"),
        ("EGOV_MAP_TILES_FILE", "/nonexistent/tinh.mbtiles"),
    ],
)
def test_bad_settings_stop_the_start(tmp_path, name: str, value: str) -> None:
    with pytest.raises(subprocess.CalledProcessError) as caught:
        settings_in_subprocess({"EGOV_DATA_DIR": str(tmp_path), name: value}, "print(1)")
    assert name in caught.value.stderr


def test_vector_mbtiles_stop_the_start(tmp_path) -> None:
    from tests.feedback.test_map import mbtiles

    path = mbtiles(tmp_path / "vector.mbtiles", fmt="pbf")
    with pytest.raises(subprocess.CalledProcessError) as caught:
        settings_in_subprocess(
            {"EGOV_DATA_DIR": str(tmp_path), "EGOV_MAP_TILES_FILE": str(path)}, "print(1)"
        )
    assert "raster tiles" in caught.value.stderr
