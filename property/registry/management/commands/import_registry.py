"""manage.py import_registry ESTATE_CODE FILE [--dry-run]: load an estate's registry file.

The same limits as the web import (``REGISTRY_IMPORT_MAX_BYTES``, ``_MAX_ROWS``; the file is
read as a stream) and the same all-or-nothing write; at most ``REGISTRY_IMPORT_MAX_ERRORS``
errors are printed, with the count of the rest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from property.registry import services
from property.registry.importer import ImportFileError, open_table, plan_import
from property.registry.models import Estate


class Command(BaseCommand):
    help = "Import an estate's registry from CSV or XLSX (all or nothing); --dry-run only reports."

    def add_arguments(self, parser):
        parser.add_argument("estate_code")
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="report changes, write nothing")

    def handle(self, *args, estate_code, file, dry_run=False, **options):
        estate = Estate.objects.filter(code=estate_code).first()
        if estate is None:
            raise CommandError(f"No estate with code {estate_code!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        with path.open("rb") as handle:
            try:
                table = open_table(handle, path.name)
                plan = plan_import(estate, table.headers, table.rows)
            except ImportFileError as exc:
                raise CommandError(str(exc))
        if not plan.ok:
            for error in plan.errors:
                self.stderr.write(str(error))
            if plan.more_errors:
                self.stderr.write(f"... and {plan.more_errors} more error(s).")
            raise CommandError(f"{plan.error_count} error(s): nothing was imported.")
        if dry_run:
            for line in plan.change_lines(limit=50):
                self.stdout.write(f"  {line}")
            self.stdout.write(f"Dry run, nothing written: {plan.summary()}")
            return
        try:
            summary = services.registry_import(actor=None, plan=plan)
        except services.ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} error(s): nothing was imported.")
        self.stdout.write(self.style.SUCCESS(f"Imported: {summary}"))
