"""The default administrative levels and agency types: the two-tier structure in force since
1 July 2025 (Decree-era reorganization) and the usual kinds of agency.

They are data: an administrator may add a 'district' level (rank 2) for older data, or new
kinds of agency, without a code change. ``ensure_defaults`` is idempotent and is used by the
data migration (with historical models) and by set-up code.
"""

from __future__ import annotations

from typing import Any

LEVELS = [
    # code, name, name_en, rank
    ("province", "Tỉnh, thành phố trực thuộc trung ương", "Province", 1),
    ("commune", "Xã, phường, đặc khu", "Commune", 3),
]

AGENCY_TYPES = [
    # code, name, name_en, level, internal unit, order
    (
        "provincial_pc",
        "Ủy ban nhân dân cấp tỉnh",
        "Provincial People's Committee",
        "province",
        False,
        10,
    ),
    ("department", "Sở, ban, ngành", "Department", "province", False, 20),
    (
        "service_center",
        "Trung tâm Phục vụ hành chính công",
        "Public Administration Service Center",
        "province",
        False,
        30,
    ),
    ("commune_pc", "Ủy ban nhân dân cấp xã", "Commune People's Committee", "commune", False, 40),
    ("internal_unit", "Đơn vị trực thuộc", "Internal unit", None, True, 50),
]


def ensure_defaults(level_model: Any = None, type_model: Any = None) -> None:
    """Create the default levels and agency types that are missing; never changes existing rows."""
    if level_model is None or type_model is None:
        from egov.organizations.models import AdministrativeLevel, AgencyType

        level_model, type_model = AdministrativeLevel, AgencyType
    levels = {}
    for code, name, name_en, rank in LEVELS:
        levels[code], _ = level_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "rank": rank}
        )
    for code, name, name_en, level, internal, order in AGENCY_TYPES:
        type_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "level": levels.get(level) if level else None,
                "is_internal_unit": internal,
                "order": order,
            },
        )
