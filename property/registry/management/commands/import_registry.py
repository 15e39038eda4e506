"""manage.py import_registry ESTATE_CODE FILE [--dry-run]: load an estate's registry file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from property.registry import services
from property.registry.importer import ImportFileError, plan_import, read_table
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
        try:
            headers, rows = read_table(path.read_bytes(), path.name)
        except ImportFileError as exc:
            raise CommandError(str(exc))
        plan = plan_import(estate, headers, rows)
        if plan.errors:
            for error in plan.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(plan.errors)} error(s): nothing was imported.")
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
