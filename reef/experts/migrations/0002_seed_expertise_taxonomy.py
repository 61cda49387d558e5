"""Seed the expertise taxonomy: the reef-cmm factors and the expert roles."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from reef.experts.taxonomy import ROLES, cmm_factors

    tag = apps.get_model("experts", "ExpertiseTag")
    for key, name in cmm_factors():
        tag.objects.update_or_create(key=key, defaults={"name": name, "kind": "factor"})
    for key, name in ROLES:
        tag.objects.update_or_create(key=key, defaults={"name": name, "kind": "role"})


class Migration(migrations.Migration):
    dependencies = [("experts", "0001_profiles_missions_reviews_mentoring")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
