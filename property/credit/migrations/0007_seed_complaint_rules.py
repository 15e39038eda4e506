"""The complaint catalogue items and three default complaint rules (the bureau edits them in
admin): overdue tickets, three substantiated tickets of one category in a quarter, and a good
quarter (every ticket handled in time, every answering caller satisfied)."""

from decimal import Decimal

from django.db import migrations

ITEMS = [
    ("B-12345-LATE", "12345热线投诉逾期未办结或办结不满意", "bad", "1", 365),
    ("B-12345-REPEAT", "同一季度同类12345热线投诉经核实达到规定次数", "bad", "2", 365),
    ("G-12345-CLEAN", "季度内12345热线投诉全部按时办结且来电人满意", "good", "1", 365),
]
RULES = [
    ("逾期未办结的投诉", "overdue", "", 15, 1, "B-12345-LATE"),
    ("同类投诉一季度三次", "repeated", "", 15, 3, "B-12345-REPEAT"),
    ("全部按时办结且满意", "clean_quarter", "", 15, 1, "G-12345-CLEAN"),
]


def seed(apps, schema_editor):
    Item = apps.get_model("credit", "CatalogueItem")
    Rule = apps.get_model("credit", "ComplaintRule")
    for code, description, kind, points, days in ITEMS:
        Item.objects.get_or_create(
            code=code,
            defaults={
                "description": description,
                "kind": kind,
                "points": Decimal(points),
                "validity_days": days,
            },
        )
    for name, trigger, categories, deadline, count, code in RULES:
        Rule.objects.get_or_create(
            name=name,
            defaults={
                "trigger": trigger,
                "categories": categories,
                "deadline_days": deadline,
                "count": count,
                "item": Item.objects.get(code=code),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("credit", "0006_complaints_and_owner_ratings")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
