from django.core.management.base import BaseCommand

from portal.core import demo


class Command(BaseCommand):
    help = "Print the demo accounts and how to sign in with them."

    def handle(self, *args, **options):
        from portal.accounts.models import User

        w = self.stdout.write
        w("Demo accounts (password for all: %s)" % demo.DEMO_PASSWORD)
        w(
            "Staff sign in with password, then a TOTP code: `make totp EMAIL=<email>` prints the current one"
        )
        w(f"(or add the secret {demo.DEMO_TOTP_SECRET} to an authenticator app).")
        staff = User.objects.filter(
            email__endswith=demo.DEMO_DOMAIN, memberships__isnull=False
        ).distinct()
        for user in staff.order_by("email")[:60]:
            roles = ", ".join(
                f"{m.organisation} ({m.get_role_display()})" for m in user.memberships.all()
            )
            w(f"  {user.email:42} {roles}")
        owners = User.objects.filter(
            email__endswith=demo.DEMO_DOMAIN, memberships__isnull=True, person__isnull=False
        )
        w("Owners (no second factor needed):")
        for user in owners.select_related("person").order_by("email")[:40]:
            w(f"  {user.email:42} {user.phone or '':16} {user.display_name}")
