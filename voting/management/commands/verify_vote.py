"""``manage.py verify_vote FILE [--key B64] [--receipt CODE]``: the public verifier
(``python -m voting.verify``) on an exported board; exit 0 OK, 1 FAIL, 2 unreadable."""

import sys

from django.core.management.base import BaseCommand

from voting import verify


class Command(BaseCommand):
    help = (
        "Verify a vote's bulletin board export (gongzhi-board/2 or /3), as python -m voting.verify."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--key", help="the portal's signing key (base64) to pin")
        parser.add_argument("--receipt", help="also check a receipt code or entry hash")

    def handle(self, *args, **options):
        argv = [options["file"]]
        for name in ("key", "receipt"):
            if options.get(name):
                argv += [f"--{name}", options[name]]
        code = verify.main(argv)
        sys.stdout.flush()
        if code:
            sys.exit(code)
