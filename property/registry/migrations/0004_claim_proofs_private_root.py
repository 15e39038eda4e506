"""Claim proofs move from MEDIA_ROOT/private (below the public media folder) to
PRIVATE_MEDIA_ROOT, where every upload lives; stored names stay the same."""

import shutil
from pathlib import Path

from django.conf import settings
from django.db import migrations


def move_proofs(apps, schema_editor):
    old = Path(settings.MEDIA_ROOT) / "private" / "claims"
    if not old.is_dir():
        return
    new = Path(settings.PRIVATE_MEDIA_ROOT) / "claims"
    new.mkdir(parents=True, exist_ok=True)
    for item in old.iterdir():
        target = new / item.name
        if not target.exists():
            shutil.move(str(item), str(target))


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_holiday")]
    operations = [migrations.RunPython(move_proofs, migrations.RunPython.noop)]
