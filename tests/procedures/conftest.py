from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from egov.procedures.exchange import read_json
from egov.procedures.services import catalog_import

DOCX = b"PK\x03\x04" + b"\x00" * 64  # starts like every .docx (a zip archive)


def procedure(code: str, name: str, **overrides):
    base = {
        "code": code,
        "name": name,
        "name_en": "",
        "sector": "HT",
        "level": "commune",
        "implementing_agency_type": "commune_pc",
        "implementing_agency": "",
        "receiving_agency": "",
        "targets": ["citizen"],
        "processing_time": 3,
        "time_unit": "working_days",
        "online_type": "full",
        "channels": ["counter", "online"],
        "conditions": "",
        "legal_basis": "Luật Hộ tịch 2014",
        "result": "Giấy khai sinh",
        "description": "",
        "fees": [{"name": "Lệ phí", "amount": 0, "note": "Miễn"}],
        "components": [
            {
                "name": "Tờ khai",
                "originals": 1,
                "copies": 0,
                "mandatory": True,
                "form": "to-khai.docx",
                "note": "",
            },
            {
                "name": "Giấy chứng sinh",
                "originals": 1,
                "copies": 0,
                "mandatory": True,
                "form": "",
                "note": "",
            },
        ],
        "steps": [
            {"name": "Tiếp nhận", "handler": "Một cửa", "role": "desk_officer", "duration": 0.5},
            {"name": "Thẩm định", "handler": "Công chức", "role": "specialist", "duration": 2},
            {"name": "Ký", "handler": "Lãnh đạo", "role": "leader", "duration": 0.5},
        ],
    }
    base.update(overrides)
    return base


def document(*procedures):
    return {
        "format": "egov-procedure-catalog",
        "version": 1,
        "sectors": [
            {"code": "HT", "name": "Hộ tịch", "name_en": "Civil status"},
            {"code": "XD", "name": "Xây dựng", "name_en": "Construction"},
        ],
        "procedures": [copy.deepcopy(p) for p in procedures],
    }


def write_catalog(tmp_path: Path, doc, forms=None) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "forms").mkdir(exist_ok=True)
    for name, content in (forms if forms is not None else {"to-khai.docx": DOCX}).items():
        (tmp_path / "forms" / name).write_bytes(content)
    return path


@pytest.fixture
def catalog(world, tmp_path):
    """Three procedures: two in civil status at commune level, one construction permit at A."""
    doc = document(
        procedure("1.001193", "Đăng ký khai sinh"),
        procedure(
            "1.000894",
            "Đăng ký kết hôn",
            processing_time=5,
            result="Giấy chứng nhận kết hôn",
            steps=[{"name": "Xử lý", "handler": "", "role": "", "duration": 5}],
            online_type="partial",
        ),
        procedure(
            "1.009994",
            "Cấp giấy phép xây dựng nhà ở riêng lẻ",
            sector="XD",
            level="province",
            implementing_agency_type="department",
            implementing_agency=world.a.code,
            targets=["citizen", "organization"],
            processing_time=15,
            steps=[
                {
                    "name": "Thẩm định hồ sơ đăng ký",
                    "handler": "",
                    "role": "specialist",
                    "duration": 15,
                }
            ],
            online_type="info",
            channels=["counter", "postal"],
            result="Giấy phép xây dựng",
            description="Dành cho nhà ở riêng lẻ; hồ sơ đăng ký tại Trung tâm.",
        ),
    )
    source = read_json(json.dumps(doc, ensure_ascii=False).encode())
    source.form_files["to-khai.docx"] = DOCX
    catalog_import(actor=world.admin, source=source)
    return doc
