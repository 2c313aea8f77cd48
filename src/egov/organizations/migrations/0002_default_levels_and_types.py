"""Create the default administrative levels and agency types (see egov.organizations.defaults)."""

from django.db import migrations

from egov.organizations.defaults import ensure_defaults


def create(apps, schema_editor):
    ensure_defaults(
        apps.get_model("organizations", "AdministrativeLevel"),
        apps.get_model("organizations", "AgencyType"),
    )


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
