"""Issue (or show, or replace) the API token of a staff user: ``manage.py api_token EMAIL``."""

from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from portal.accounts.models import User
from portal.audit import log_event
from portal.permissions import governed_paths


class Command(BaseCommand):
    help = "Print the API token of a government staff user (created on first use)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="the staff user's email address")
        parser.add_argument(
            "--reset", action="store_true", help="revoke the current token and issue a new one"
        )

    def handle(self, *args, email: str, reset: bool = False, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the email address {email}.")
        if not user.is_active:
            raise CommandError(f"The account {email} is not active.")
        if not governed_paths(user):
            raise CommandError(
                f"{email} holds no government role (bureau, street office or residents' "
                "committee): staff API tokens are only for them."
            )
        if reset:
            Token.objects.filter(user=user).delete()
        token, created = Token.objects.get_or_create(user=user)
        if created:
            log_event(actor=None, action="api.token_issued", obj=None, details={"user": user.pk})
        self.stdout.write(token.key)
