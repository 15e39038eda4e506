"""Load the official holiday calendar (property/data/cn_holidays.csv) into the Holiday table."""

import csv
from datetime import date
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent.parent / "data" / "cn_holidays.csv"


def load(apps, schema_editor):
    Holiday = apps.get_model("fund", "Holiday")
    with CSV.open(encoding="utf-8") as fh:
        rows = [
            Holiday(date=date.fromisoformat(r["date"]), kind=r["kind"], name=r["name"])
            for r in csv.DictReader(fh)
        ]
    existing = set(Holiday.objects.values_list("date", flat=True))
    Holiday.objects.bulk_create([h for h in rows if h.date not in existing])


class Migration(migrations.Migration):
    dependencies = [("fund", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
