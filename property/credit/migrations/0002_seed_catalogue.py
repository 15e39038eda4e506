"""Seed the record catalogue and the basic checklist (the bureau edits both in Wagtail admin)."""

from decimal import Decimal

from django.db import migrations

CATALOGUE = [
    # code, description, kind, points, validity days, serious
    ("G-NAT-AWARD", "获国家级物业管理示范项目或荣誉", "good", "10", 1095, False),
    ("G-PROV-AWARD", "获省级物业管理示范项目或荣誉", "good", "6", 730, False),
    ("G-CITY-AWARD", "获市级物业管理示范项目或荣誉", "good", "3", 365, False),
    ("G-EMERGENCY", "在防汛、疫情等应急处置中表现突出受市级通报表扬", "good", "3", 365, False),
    ("G-PRAISE", "服务事迹受区级以上主管部门书面表扬", "good", "1", 365, False),
    ("B-CUTOFF", "违法违规停水停电或以停水停电催缴物业费", "bad", "6", 730, False),
    ("B-RECTIFY", "拒不整改或逾期未完成主管部门责令整改事项", "bad", "3", 365, False),
    ("B-12345", "经核实的12345热线有效投诉", "bad", "0.5", 365, False),
    ("B-FIRE", "消防设施未维护保养或堵塞消防通道被通报", "bad", "3", 365, False),
    ("B-FEES", "擅自提高收费标准或收取不合理费用", "bad", "3", 730, False),
    ("B-INFO", "未按规定公示收费项目、公共收益等信息", "bad", "1", 365, False),
    ("B-HANDOVER", "合同终止后拒不退出或拒不移交资料", "bad", "6", 1095, False),
    ("B-FUND", "挪用、侵占住宅专项维修资金", "bad", "12", 1095, True),
    ("B-ACCIDENT", "因管理责任发生重大安全责任事故", "bad", "12", 1095, True),
]

CHECKLIST = [
    # code, description, max points, order
    ("C-CONTRACT", "物业服务合同签订与备案", "6", 1),
    ("C-STAFF", "项目负责人与从业人员配备及培训", "6", 2),
    ("C-SECURITY", "秩序维护与安全防范", "8", 3),
    ("C-CLEANING", "环境卫生与垃圾分类", "8", 4),
    ("C-GREEN", "绿化养护", "6", 5),
    ("C-FACILITY", "共用部位与共用设施设备维护（含电梯、二次供水）", "10", 6),
    ("C-FIRE", "消防安全管理", "8", 7),
    ("C-DISCLOSURE", "收费与公共收益公示", "4", 8),
    ("C-ARCHIVE", "档案资料管理", "4", 9),
]


def seed(apps, schema_editor):
    CatalogueItem = apps.get_model("credit", "CatalogueItem")
    ChecklistItem = apps.get_model("credit", "ChecklistItem")
    for code, description, kind, points, days, serious in CATALOGUE:
        CatalogueItem.objects.get_or_create(
            code=code,
            defaults={
                "description": description,
                "kind": kind,
                "points": Decimal(points),
                "validity_days": days,
                "serious": serious,
            },
        )
    for code, description, max_points, order in CHECKLIST:
        ChecklistItem.objects.get_or_create(
            code=code,
            defaults={"description": description, "max_points": Decimal(max_points), "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
