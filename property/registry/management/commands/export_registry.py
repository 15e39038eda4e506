"""manage.py export_registry ESTATE_CODE FILE [--masked]: write the estate's registry (.csv or
.xlsx). Run on the server by its operator (the housing bureau), it holds the identity numbers
in clear unless ``--masked``; every cell is inert for spreadsheets either way."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from property.registry import services
from property.registry.models import Estate


class Command(BaseCommand):
    help = (
        "Export an estate's registry in the import format (identity numbers in clear, "
        "or masked with --masked)."
    )

    def add_arguments(self, parser):
        parser.add_argument("estate_code")
        parser.add_argument("file", help="output path ending in .csv or .xlsx")
        parser.add_argument(
            "--masked", action="store_true", help="mask the identity numbers (3402**********1234)"
        )

    def handle(self, *args, estate_code, file, masked=False, **options):
        estate = Estate.objects.filter(code=estate_code).first()
        if estate is None:
            raise CommandError(f"No estate with code {estate_code!r}.")
        fmt = Path(file).suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise CommandError("The file name must end in .csv or .xlsx.")
        data = services.registry_export(
            actor=None, estate=estate, fmt=fmt, clear_identity=not masked
        )
        Path(file).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Wrote {estate.units.count()} units to {file}"))
