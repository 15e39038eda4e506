"""Apportion an amount among units: JSON in, JSON out (contract of ``apportion_json``).

    manage.py fund_apportion FILE        # or - for standard input

Bad input exits with status 1 and a one-line error on standard error.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from property.fund.apportion import ApportionError, apportion_json


class Command(BaseCommand):
    help = "Apportion an amount by area or balance (JSON in, JSON out; '-' reads stdin)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON input file, or - for standard input")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
        try:
            result = apportion_json(data)
        except ApportionError as exc:
            raise CommandError(str(exc))
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
