"""The holiday calendar now belongs to the registry (``registry.0003_holiday``).

State only: the table ``fund_holiday`` and its rows stay; the registry's ``Holiday`` model
uses it as its ``db_table``.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("fund", "0002_load_holidays"),
        ("registry", "0003_holiday"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Holiday")],
            database_operations=[],
        ),
    ]
