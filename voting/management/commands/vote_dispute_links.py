"""``manage.py vote_dispute_links VOTE --entry N --key FILE [--key FILE ...]``: which owner party
a board entry of a counted vote was, for a dispute during the objection period (issue 18,
docs/board.md "Who can learn what").

The count erased every stored link between board entries and parties and kept one list of
(party, entry) pairs, sealed under a key split ``k`` of ``n`` among the vote's trustees. This
command opens it with ``k`` trustees' key files, asking each trustee for their passphrase (never
on the command line), prints the party of the one entry asked for, and forgets the rest. Each
opening is audited (``voting.dispute_links_opened``). A vote without trustees opens with the
board key (``BOARD_KEY_DIR``), without key files. Once the result is final the list is erased
and nothing opens it."""

from getpass import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.core.errors import message_text
from property.registry.models import OwnerParty
from voting import services
from voting.models import Vote


class Command(BaseCommand):
    help = "Open a counted vote's sealed ballot-to-party links (k trustees) for one board entry."

    def add_arguments(self, parser):
        parser.add_argument("vote", type=int, help="the vote number")
        parser.add_argument("--entry", type=int, required=True, help="the board entry number")
        parser.add_argument(
            "--key",
            action="append",
            default=[],
            metavar="FILE",
            help="a trustee's key file (give k of them; each trustee types their passphrase)",
        )

    def passphrase(self, path: str) -> str:  # a method, so tests can answer for the trustee
        return getpass(f"Passphrase for {path}: ")

    def handle(self, *args, **options):
        vote = Vote.objects.filter(pk=options["vote"]).first()
        if vote is None:
            raise CommandError(f"no vote {options['vote']}")
        given = []
        for path in options["key"]:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read {path}: {exc.strerror}") from None
            given.append((data, self.passphrase(path)))
        try:
            party_id = services.dispute_links_open(
                vote=vote, keys_and_passphrases=given, entry_n=options["entry"]
            )
        except services.VoteError as exc:
            raise CommandError(message_text(exc)) from None
        if party_id is None:
            self.stdout.write(f"entry {options['entry']}: no party (no such entry)")
            return
        party = OwnerParty.objects.filter(pk=party_id).first()
        label = party.label if party is not None else "?"
        self.stdout.write(f"entry {options['entry']}: party {party_id} {label}")
