"""The demo city, loaded once for this package in a transaction rolled back at the end.

Every test still runs in its own savepoint (pytest-django's ``db``), so a POST in one test
never leaks into the next, and the demo data never leaks into other test packages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.security.matrix import ANON, COMPANY, DEMO_EMAILS
from tests.shared_data import migration_data_back, settle_constraint_checks


@dataclass
class Demo:
    """What matrix entries build their URLs from (``kwargs=lambda d: ...``)."""

    estate: object  # 滨江花园, the estate every role relates to
    other_estate: object  # 中南雅苑 (弋江区): other_owner's estate
    users: dict = field(default_factory=dict)  # role -> User (ANON -> None)

    def user(self, role):
        return self.users[role]


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    from portal.accounts.models import User
    from portal.organisations.models import Membership
    from property.registry.models import Estate

    with django_db_blocker.unblock(), transaction.atomic():
        migration_data_back()
        call_command("load_demo_data", verbosity=0, stdout=_Null())
        settle_constraint_checks()
        estate = Estate.objects.get(code="binjiang")
        users = {ANON: None}
        for role, email in DEMO_EMAILS.items():
            if role == COMPANY:
                users[role] = Membership.objects.filter(organisation=estate.company).first().user
            else:
                users[role] = User.objects.get(email=email)
        yield Demo(estate=estate, other_estate=Estate.objects.get(code="zhongnan-ya"), users=users)
        transaction.set_rollback(True)


class _Null:
    def write(self, *_a, **_k):
        pass

    def flush(self):
        pass
