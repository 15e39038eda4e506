"""``manage.py vote_tally FILE`` (``-`` for stdin): count a vote given as JSON with the pure rule
engine (``voting.tally.tally_json``) and print the result JSON. Bad input: a one-line error and a
non-zero exit."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from voting.tally import tally_json


class Command(BaseCommand):
    help = "Count a vote from JSON (see voting.tally.tally_json) and print the result as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="input JSON file, or - for standard input")

    def handle(self, *args, file, **options):
        try:
            if file == "-":
                data = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as f:
                    data = json.load(f)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"not valid JSON: {exc}") from None
        try:
            result = tally_json(data)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
