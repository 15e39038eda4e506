"""The request's owners' vote becomes a real foreign key to voting.Vote.

The column stays ``vote_id`` (same values): the field is first altered in place (the column gets
the foreign-key constraint; it was already unique and nullable), then renamed from ``vote_id`` to
``vote`` in the state only (its ``db_column`` keeps the column name, so the rename touches no
table). A request whose ``vote_id`` names no vote would make this migration fail: none is
expected (the fund only ever stored the id of the vote it had just created, and votes are not
deleted).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("fund", "0004_request_shortfalls_seen"),
        ("voting", "0006_objection_ruling"),
    ]

    operations = [
        migrations.AlterField(
            model_name="fundrequest",
            name="vote_id",
            field=models.OneToOneField(
                blank=True,
                db_column="vote_id",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="fund_request",
                to="voting.vote",
                verbose_name="owners' vote",
            ),
        ),
        migrations.RenameField(
            model_name="fundrequest",
            old_name="vote_id",
            new_name="vote",
        ),
    ]
