"""The holiday calendar moves here from the fund, so that the fund and the credit rating
count working days on the same data.

State only: the table ``fund_holiday`` created by ``fund.0001_initial`` and filled by
``fund.0002_load_holidays`` stays as it is, rows and all (the model keeps it as
``db_table``); ``fund.0003_move_holiday_to_registry`` removes the model from the fund's state.
The content type (and with it the admin history and permissions of the calendar) is renamed
from ``fund.holiday`` to ``registry.holiday``.
"""

from django.db import migrations, models


def _rename_content_type(apps, schema_editor, old_app, new_app):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.db_manager(schema_editor.connection.alias)
    if types.filter(app_label=new_app, model="holiday").exists():
        return
    types.filter(app_label=old_app, model="holiday").update(app_label=new_app)
    types.clear_cache()


def content_type_to_registry(apps, schema_editor):
    _rename_content_type(apps, schema_editor, "fund", "registry")


def content_type_to_fund(apps, schema_editor):
    _rename_content_type(apps, schema_editor, "registry", "fund")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("registry", "0002_owner_claim"),
        ("fund", "0002_load_holidays"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Holiday",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField(unique=True, verbose_name="date")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("holiday", "Official holiday"),
                                    ("workday", "Make-up working day"),
                                ],
                                max_length=8,
                                verbose_name="kind",
                            ),
                        ),
                        ("name", models.CharField(max_length=40, verbose_name="name")),
                    ],
                    options={
                        "verbose_name": "holiday calendar day",
                        "verbose_name_plural": "holiday calendar",
                        "db_table": "fund_holiday",
                        "ordering": ["date"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_registry, content_type_to_fund),
    ]
