"""Load the reference directory: ISO 3166 countries and the Caribbean groupings."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from reef.directory.reference import load_countries, load_groupings

    country = apps.get_model("directory", "Country")
    load_countries(country)
    load_groupings(
        country, apps.get_model("directory", "Grouping"), apps.get_model("directory", "GroupingMember")
    )


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_country_names_translatable")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
