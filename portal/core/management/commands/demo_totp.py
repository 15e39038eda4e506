import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from portal.core.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current TOTP code of the demo staff accounts (demo secret only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "email", nargs="?", help="any demo staff account: they share one demo secret"
        )

    def handle(self, *args, **options):
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30)))
