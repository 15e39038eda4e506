"""manage.py export_registry ESTATE_CODE FILE: write the estate's registry (.csv or .xlsx)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from property.registry import services
from property.registry.models import Estate


class Command(BaseCommand):
    help = "Export an estate's registry in the import format (the file holds identity numbers)."

    def add_arguments(self, parser):
        parser.add_argument("estate_code")
        parser.add_argument("file", help="output path ending in .csv or .xlsx")

    def handle(self, *args, estate_code, file, **options):
        estate = Estate.objects.filter(code=estate_code).first()
        if estate is None:
            raise CommandError(f"No estate with code {estate_code!r}.")
        fmt = Path(file).suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise CommandError("The file name must end in .csv or .xlsx.")
        Path(file).write_bytes(services.registry_export(actor=None, estate=estate, fmt=fmt))
        self.stdout.write(self.style.SUCCESS(f"Wrote {estate.units.count()} units to {file}"))
