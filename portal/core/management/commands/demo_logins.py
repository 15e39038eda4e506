from django.core.management.base import BaseCommand

from portal.core import demo

# One account per kind of user; `--all` lists every demo account.
HIGHLIGHTS = [
    "city.officer",
    "city.approver",
    "jinghu.officer",
    "jinghu.approver",
    "fanluoshan.officer",
    "fanluoshan-sq.officer",
    "committee.binjiang",
    "company1",
    "owner1.binjiang",
    "owner2.binjiang",
    "owner3.binjiang",
    "owner1.zhongnan-ya",
]


class Command(BaseCommand):
    help = "Print the demo accounts and how to sign in with them."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="list every demo account")

    def handle(self, *args, **options):
        from portal.accounts.models import User

        w = self.stdout.write
        users = User.objects.filter(email__endswith=demo.DEMO_DOMAIN).prefetch_related(
            "memberships__organisation"
        )
        if not options["all"]:
            users = users.filter(email__in=[demo.email(local) for local in HIGHLIGHTS])
        w(f"Demo accounts — password for all: {demo.DEMO_PASSWORD}")
        w(
            "Staff then enter a TOTP code: `make totp` prints the current one "
            f"(or add the secret {demo.DEMO_TOTP_SECRET} to an authenticator app)."
        )
        for user in users.order_by("email"):
            roles = ", ".join(
                f"{m.organisation} · {m.get_role_display()}" for m in user.memberships.all()
            )
            w(f"  {user.email:40} {user.phone or '':15} {roles or 'owner: ' + user.display_name}")
        if not options["all"]:
            w("  … `make logins ALL=1` lists every demo account.")
