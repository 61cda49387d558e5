from typing import Any

from django.db import migrations, models
from django.db.models import F


def published_when_created(apps: Any, schema_editor: Any) -> None:
    # Until now every need was announced to donors when it was created.
    apps.get_model("planning", "Need").objects.update(published_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0002_commitment_sides_people"),
    ]

    operations = [
        migrations.AddField(
            model_name="need",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="published"),
        ),
        migrations.RunPython(published_when_created, migrations.RunPython.noop),
    ]
