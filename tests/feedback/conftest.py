from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from egov.feedback.models import Category
from egov.feedback.services import category_save
from tests.conftest import World


@dataclass
class Setup:
    world: World
    road: Category  # routed to department A, 5 working days, with attributes
    light: Category  # routed to department B, 10 working days


@pytest.fixture
def fb(world: World) -> Setup:
    road = category_save(
        actor=world.admin,
        service_code="road-damage",
        name="Hư hỏng mặt đường",
        name_en="Road damage",
        agency_id=world.a.pk,
        response_days=5,
        keywords="đường, ổ gà",
        group="Giao thông",
        attributes=[
            {
                "code": "size",
                "description": "Kích thước",
                "datatype": "singlevaluelist",
                "required": True,
                "order": 1,
                "values": [{"key": "small", "name": "Nhỏ"}, {"key": "large", "name": "Lớn"}],
            },
            {"code": "depth", "description": "Độ sâu (cm)", "datatype": "number", "order": 2},
        ],
    )
    light = category_save(
        actor=world.admin,
        service_code="street-light",
        name="Đèn đường hỏng",
        agency_id=world.b.pk,
        response_days=10,
    )
    return Setup(world=world, road=road, light=light)


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG carrying EXIF with a GPS block and a camera owner's name."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x013B] = "Nguyen Van A"  # Artist
    exif[0x8825] = {1: "N", 2: (16.0, 27.0, 49.0), 3: "E", 4: (107.0, 35.0, 27.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 255)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _fresh_local_cache():
    """The figures page keeps its rows for a minute in the per-process cache."""
    from django.core.cache import caches

    caches["local"].clear()
    yield
    caches["local"].clear()
