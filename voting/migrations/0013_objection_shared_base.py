# The objection to a result takes the shared objection base (portal.core.objections):
# created_at -> filed_at, ruling -> answer, ruled_by -> answered_by, ruled_at -> answered_at.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('voting', '0012_cut_links_at_count'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='objection',
            name='voting_obje_status_d01671_idx',
        ),
        migrations.RenameField(model_name='objection', old_name='created_at', new_name='filed_at'),
        migrations.RenameField(model_name='objection', old_name='ruling', new_name='answer'),
        migrations.RenameField(model_name='objection', old_name='ruled_by', new_name='answered_by'),
        migrations.RenameField(model_name='objection', old_name='ruled_at', new_name='answered_at'),
        migrations.AlterField(
            model_name='objection',
            name='filed_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='filed at'),
        ),
        migrations.AlterField(
            model_name='objection',
            name='filed_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='filed by'),
        ),
        migrations.AlterModelOptions(
            name='objection',
            options={'ordering': ['filed_at'], 'verbose_name': 'objection', 'verbose_name_plural': 'objections'},
        ),
        migrations.AddIndex(
            model_name='objection',
            index=models.Index(fields=['status', 'filed_at'], name='voting_obje_status_d812bf_idx'),
        ),
    ]
