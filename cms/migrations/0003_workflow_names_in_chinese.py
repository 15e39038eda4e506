"""Workflow and task names are stored in Chinese (the portal's language) and shown in the
reader's language by ``cms.workflow_names``: rename the rows made under the old English names
("Notice publishing · <bureau>", "Bureau approval · <bureau>", Wagtail's "Moderators
approval"). The Chinese forms are written out here, as a migration must not change later."""

from django.db import migrations

RENAMES = [
    ("Notice publishing · ", "{}审批"),
    ("Bureau approval · ", "{}审核"),
]
WAGTAIL_DEFAULT = ("Moderators approval", "审核员审批")


def _rename(apps, forward: bool):
    for model in (apps.get_model("wagtailcore", "Workflow"), apps.get_model("wagtailcore", "Task")):
        for row in model.objects.all():
            name = row.name
            new = None
            for prefix, chinese in RENAMES:
                head, tail = chinese.split("{}")
                if forward and name.startswith(prefix):
                    new = chinese.format(name[len(prefix) :])
                elif not forward and name.endswith(tail) and name != WAGTAIL_DEFAULT[1]:
                    new = prefix + name[: -len(tail)]
            if forward and name == WAGTAIL_DEFAULT[0]:
                new = WAGTAIL_DEFAULT[1]
            elif not forward and name == WAGTAIL_DEFAULT[1]:
                new = WAGTAIL_DEFAULT[0]
            if new and new != name:
                model.objects.filter(pk=row.pk).update(name=new)


def forwards(apps, schema_editor):
    _rename(apps, True)


def backwards(apps, schema_editor):
    _rename(apps, False)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_sectionpage_standardpage_communitypage_estatepage_and_more"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
