"""API tokens get a scope and always an expiry.

Tokens made before keep the access they had (read-write); those without an
expiry get one REEF_API_TOKEN_DAYS after their creation (already past for old
ones, which therefore stop).
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models


def expire_endless_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    days = timedelta(days=settings.REEF_API_TOKEN_DAYS)
    for token in ApiToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at + days)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "read only"), ("read-write", "read and write")],
                default="read-write",
                max_length=10,
                verbose_name="scope",
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "read only"), ("read-write", "read and write")],
                default="read",
                max_length=10,
                verbose_name="scope",
            ),
        ),
        migrations.RunPython(expire_endless_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires"),
        ),
    ]
