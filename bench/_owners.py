"""Shared set-up of the casting benches (bench/voting_cast.py, bench/load.py): one estate of
owners with one unit (one owner party) each, a signed-in session per owner, and an open vote
that allows changing one's ballot. Bulk inserts; call inside a configured Django."""

from __future__ import annotations


def build_open_vote(
    owners: int, *, code: str, name: str, title: str, area: str = "100.00"
) -> tuple[int, list[tuple[str, int]]]:
    """Returns (vote pk, [(session key, party pk)]), one pair per owner."""
    from datetime import date, timedelta

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from portal.accounts.models import User
    from portal.organisations.models import Jurisdiction, Level
    from property.registry.models import Building, Estate, OwnerParty, Ownership, Person, Unit
    from voting import services

    node = Jurisdiction.add_root(code=f"{code}-city", name=f"{name} city", level=Level.CITY)
    for level in (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.ESTATE):
        node = node.add_child(code=f"{code}-{level}", name=f"{name} {level}", level=level)
    estate = Estate.objects.create(jurisdiction=node, code=code, name=name)
    building = Building.objects.create(estate=estate, code="1")
    Unit.objects.bulk_create(
        [
            Unit(estate=estate, building=building, code=f"1-{i:05d}", area=area)
            for i in range(owners)
        ]
    )
    units = list(Unit.objects.filter(estate=estate).order_by("pk"))
    OwnerParty.objects.bulk_create(
        [OwnerParty(estate=estate, label=f"业主{i}", key=f"{code}-{i}") for i in range(owners)]
    )
    parties = list(OwnerParty.objects.filter(estate=estate).order_by("pk"))
    Ownership.objects.bulk_create(
        [
            Ownership(unit=u, party=p, start=date(2020, 1, 1))
            for u, p in zip(units, parties, strict=True)
        ]
    )
    password = make_password(None)  # sessions are made here; nobody signs in with a password
    User.objects.bulk_create(
        [
            User(
                username=f"{code}{i}",
                email=f"{code}{i}@{code}.cn",
                password=password,
                phone=f"+86131{i:08d}",
            )
            for i in range(owners)
        ]
    )
    users = list(User.objects.filter(username__startswith=code).order_by("pk"))
    people = []
    for i, user in enumerate(users):
        person = Person(
            name=f"业主{i}", user=user, identity_hash=f"{code}-{i}", identity_masked="*"
        )
        person.identity_encrypted = "-"
        people.append(person)
    Person.objects.bulk_create(people)
    people = list(Person.objects.filter(user__in=users).order_by("user_id"))
    OwnerParty.members.through.objects.bulk_create(
        [
            OwnerParty.members.through(ownerparty_id=p.pk, person_id=person.pk)
            for p, person in zip(parties, people, strict=True)
        ]
    )
    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if "rules" not in b)
    sessions = []
    for user, party in zip(users, parties, strict=True):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append((store.session_key, party.pk))
    now = timezone.now()
    vote = services.vote_create(
        actor=None,
        estate=estate,
        title=title,
        matter=1,
        motion=title,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=1),
        allow_change=True,
    )
    from django.conf import settings as django_settings
    from django.test import override_settings

    # Load-test data: the vote key held by the server, as before trustees were required.
    trustees_off = {**django_settings.GONGZHI, "VOTE_ONLINE_NEEDS_TRUSTEES": False}
    with override_settings(GONGZHI=trustees_off):
        services.vote_schedule(actor=None, vote=vote, now=now - timedelta(days=10))
    services.vote_open(vote=vote, now=now, notify=False)
    return vote.pk, sessions
