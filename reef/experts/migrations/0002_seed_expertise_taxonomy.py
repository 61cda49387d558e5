"""Seed the expertise taxonomy: the reef-cmm factors and the expert roles."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from reef.experts.taxonomy import seed_tags

    seed_tags(apps.get_model("experts", "ExpertiseTag"))


class Migration(migrations.Migration):
    dependencies = [("experts", "0001_profiles_missions_reviews_mentoring")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
