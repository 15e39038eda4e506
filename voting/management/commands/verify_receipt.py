"""``manage.py verify_receipt VOTE CODE``: is the receipt's entry on the vote's board, included
under the latest signed head (inclusion proof checked)? Exit 0 found, 1 not."""

import sys

from django.core.management.base import BaseCommand, CommandError

from voting import board


class Command(BaseCommand):
    help = "Check a receipt code (or entry hash) against a vote's bulletin board."

    def add_arguments(self, parser):
        parser.add_argument("vote", type=int, help="the vote number")
        parser.add_argument("code", help="receipt code XXXXX-XXXXX or the 64-hex entry hash")

    def handle(self, *args, **options):
        vote = board.public_board_votes().filter(pk=options["vote"]).first()
        if vote is None:
            raise CommandError(f"no vote {options['vote']} whose voting began")
        check = board.check_receipt(vote, options["code"])
        out = self.stdout.write
        if check.status == "invalid":
            out("FAIL: not a receipt code like ABCDE-FGHJK nor a 64-hex entry hash")
        elif check.status == "not_found":
            out(f"FAIL: no entry of vote {vote.pk} has this receipt")
        elif check.status == "ambiguous":
            out("FAIL: several entries share this code; give the full entry hash")
        else:
            e = check.entry
            line = f"entry {e.n} ({e.channel}, {e.entry['time']}), receipt {e.receipt}, hash {e.entry_hash}"
            if check.status == "included":
                h = check.head
                out(
                    f"OK: {line} is included under signed head size {h.size} of "
                    f"{h.head['time']} (root {h.root}; inclusion proof of {check.proof_length} "
                    "hashes verified, head signature valid)"
                )
            elif check.status == "pending":
                out(f"OK: {line} is on the board; not yet covered by a signed head")
            else:
                out(f"FAIL: {line} does not verify against the latest signed head")
            if check.found:
                out(
                    f"superseded by entry {check.superseded_by}"
                    if check.superseded_by is not None
                    else "counted: the party's latest ballot"
                )
        sys.exit(0 if check.found else 1)
