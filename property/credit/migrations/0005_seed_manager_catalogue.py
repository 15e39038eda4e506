"""Seed the catalogue items about project managers (the bureau edits them in Wagtail admin).

Items existing before keep applying to the company (the field's default)."""

from decimal import Decimal

from django.db import migrations

CATALOGUE = [
    # code, description, kind, points, validity days, serious, applies to, ban days
    ("M-AWARD", "项目经理获市级以上优秀项目经理称号", "good", "3", 365, False, "manager", 0),
    ("M-ABSENT", "项目经理未按规定在岗履职", "bad", "2", 365, False, "manager", 0),
    ("M-RECTIFY", "项目经理拒不落实主管部门整改要求", "bad", "3", 365, False, "both", 0),
    ("M-FALSE", "项目经理提供虚假材料或隐瞒重大情况", "bad", "6", 730, False, "manager", 365),
    (
        "M-ACCIDENT",
        "项目经理对重大安全责任事故负有直接管理责任",
        "bad",
        "12",
        1095,
        True,
        "both",
        1095,
    ),
]


def seed(apps, schema_editor):
    CatalogueItem = apps.get_model("credit", "CatalogueItem")
    for code, description, kind, points, days, serious, applies_to, ban_days in CATALOGUE:
        CatalogueItem.objects.get_or_create(
            code=code,
            defaults={
                "description": description,
                "kind": kind,
                "points": Decimal(points),
                "validity_days": days,
                "serious": serious,
                "applies_to": applies_to,
                "ban_days": ban_days,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("credit", "0004_project_managers")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
