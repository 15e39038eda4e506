# The credit objection takes the shared objection base (portal.core.objections): reason -> text,
# decision_note -> answer, decided_by -> answered_by; the days filed_on and decided_on become the
# moments filed_at and answered_at (midnight of that day in Asia/Shanghai for existing rows).

from datetime import datetime, time
from zoneinfo import ZoneInfo

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def days_to_moments(apps, schema_editor):
    tz = ZoneInfo(settings.TIME_ZONE)
    Objection = apps.get_model("credit", "Objection")
    for objection in Objection.objects.all():
        objection.filed_at = datetime.combine(objection.filed_on, time.min, tzinfo=tz)
        if objection.decided_on is not None:
            objection.answered_at = datetime.combine(objection.decided_on, time.min, tzinfo=tz)
        objection.save(update_fields=["filed_at", "answered_at"])


def moments_to_days(apps, schema_editor):
    tz = ZoneInfo(settings.TIME_ZONE)
    Objection = apps.get_model("credit", "Objection")
    for objection in Objection.objects.all():
        objection.filed_on = objection.filed_at.astimezone(tz).date()
        if objection.answered_at is not None:
            objection.decided_on = objection.answered_at.astimezone(tz).date()
        objection.save(update_fields=["filed_on", "decided_on"])


class Migration(migrations.Migration):

    dependencies = [
        ("credit", "0007_seed_complaint_rules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="objection", old_name="reason", new_name="text"),
        migrations.RenameField(model_name="objection", old_name="decision_note", new_name="answer"),
        migrations.RenameField(model_name="objection", old_name="decided_by", new_name="answered_by"),
        migrations.AddField(
            model_name="objection",
            name="filed_at",
            field=models.DateTimeField(null=True, verbose_name="filed at"),
        ),
        migrations.AddField(
            model_name="objection",
            name="answered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided on"),
        ),
        # Nullable first, so that the migration can be reversed over existing rows.
        migrations.AlterField(
            model_name="objection",
            name="filed_on",
            field=models.DateField(null=True, verbose_name="filed on"),
        ),
        migrations.RunPython(days_to_moments, moments_to_days),
        migrations.RemoveField(model_name="objection", name="filed_on"),
        migrations.RemoveField(model_name="objection", name="decided_on"),
        migrations.AlterField(
            model_name="objection",
            name="filed_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="filed at"),
        ),
        migrations.AlterField(
            model_name="objection",
            name="filed_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="filed by",
            ),
        ),
        migrations.AlterModelOptions(
            name="objection",
            options={
                "ordering": ["-filed_at", "-id"],
                "verbose_name": "objection",
                "verbose_name_plural": "objections",
            },
        ),
    ]
