from django.db import migrations, models


def mark_closed_boards(apps, schema_editor):
    """Boards of votes that have left ``open`` are closed."""
    BoardCounter = apps.get_model("voting", "BoardCounter")
    BoardCounter.objects.exclude(vote__status="open").update(closed=True)


class Migration(migrations.Migration):
    dependencies = [
        ("voting", "0002_treehead"),
    ]

    operations = [
        migrations.AddField(
            model_name="boardcounter",
            name="closed",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_closed_boards, migrations.RunPython.noop),
    ]
