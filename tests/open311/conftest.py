from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from egov.feedback.models import Category
from egov.feedback.services import category_save
from egov.open311.services import api_client_create
from tests.conftest import World


@dataclass
class Open311:
    world: World
    road: Category  # department A, 5 working days, a required single-value question
    light: Category  # department B, 10 working days, no question
    key: str


@pytest.fixture
def o311(world: World) -> Open311:
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
            {
                "code": "kinds",
                "description": "Loại hư hỏng",
                "datatype": "multivaluelist",
                "order": 2,
                "values": [{"key": "hole", "name": "Ổ gà"}, {"key": "crack", "name": "Nứt"}],
            },
        ],
    )
    light = category_save(
        actor=world.admin,
        service_code="street-light",
        name="Đèn đường hỏng",
        agency_id=world.b.pk,
        response_days=10,
    )
    _client, key = api_client_create(actor=world.admin, name="Ứng dụng Thử")
    return Open311(world=world, road=road, light=light, key=key)


def png_bytes(size: tuple[int, int] = (12, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 0, 255)).save(out, format="PNG")
    return out.getvalue()
