"""One shape for the commands that run a pure rule on JSON: ``manage.py X FILE`` (``-`` for
standard input) reads the input, calls the rule and prints its result as JSON. Bad input (a file
that cannot be read, text that is not JSON, or the rule's own error) is a one-line error on
standard error and a non-zero exit (Django's ``CommandError``).

    class Command(JsonRuleCommand):
        help = "..."
        rule = staticmethod(tally_json)
        errors = (ValueError,)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError


def read_json(path: str):
    """The JSON value of ``path`` (``-``: standard input); ``CommandError`` when it cannot be read."""
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise CommandError(f"not UTF-8 text: {exc.reason}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None


class JsonRuleCommand(BaseCommand):
    """JSON in, the pure rule, JSON out. Subclasses set ``rule``, ``errors`` and ``help``."""

    rule: Callable[[object], object]
    errors: tuple[type[Exception], ...] = (ValueError,)
    dumps_options: dict = {"indent": 2}

    def add_arguments(self, parser):
        parser.add_argument("file", help="input JSON file, or - for standard input")

    def handle(self, *args, file, **options):
        data = read_json(file)
        try:
            result = type(self).rule(data)
        except self.errors as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, **self.dumps_options))
