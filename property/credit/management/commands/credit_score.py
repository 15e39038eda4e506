"""Score one company from a JSON file (or ``-`` for stdin) with the pure rule.

    python manage.py credit_score input.json
    echo '{...}' | python manage.py credit_score -

Input and output follow ``property.credit.scoring.score_json``. Bad input prints one line
``error: ...`` on stderr and exits with status 1.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from property.credit.scoring import ScoringError, score_json


class Command(BaseCommand):
    help = "Score a property company from a JSON file ('-' for stdin); prints the result as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON input file, or - for stdin")

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
            raise CommandError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")
        try:
            result = score_json(data)
        except ScoringError as exc:
            raise CommandError(str(exc))
        self.stdout.write(json.dumps(result, ensure_ascii=False, sort_keys=True))
