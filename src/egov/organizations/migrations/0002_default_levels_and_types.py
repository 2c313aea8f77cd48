"""The two-tier structure in force since 1 July 2025, and the usual kinds of agency.

Both are data: an administrator may add a 'district' level (rank 2) for older data, or new
kinds of agency, without a code change.
"""

from django.db import migrations

LEVELS = [
    ("province", "Tỉnh, thành phố trực thuộc trung ương", "Province", 1),
    ("commune", "Xã, phường, đặc khu", "Commune", 3),
]

TYPES = [
    # code, name, name_en, level, internal unit, order
    ("provincial_pc", "Ủy ban nhân dân cấp tỉnh", "Provincial People's Committee", "province", False, 10),
    ("department", "Sở, ban, ngành", "Department", "province", False, 20),
    ("service_center", "Trung tâm Phục vụ hành chính công", "Public Administration Service Center", "province", False, 30),
    ("commune_pc", "Ủy ban nhân dân cấp xã", "Commune People's Committee", "commune", False, 40),
    ("internal_unit", "Đơn vị trực thuộc", "Internal unit", None, True, 50),
]


def create(apps, schema_editor):
    Level = apps.get_model("organizations", "AdministrativeLevel")
    AgencyType = apps.get_model("organizations", "AgencyType")
    levels = {}
    for code, name, name_en, rank in LEVELS:
        levels[code], _ = Level.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "rank": rank}
        )
    for code, name, name_en, level, internal, order in TYPES:
        AgencyType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "level": levels.get(level),
                "is_internal_unit": internal,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
