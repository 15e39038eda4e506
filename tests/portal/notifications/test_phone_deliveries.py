"""Texts to registry phones that may belong to no account (issue 16): the registry's contact of a
verified person and the members of a party a paper or proxy ballot was entered for. They go
through the delivery queue like every notification: nothing is sent in the request, the worker
sends after commit, a failed send stays recorded and a later retry sends it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal.accounts.sms import LocmemSMSBackend
from portal.notifications import services, tasks
from portal.notifications.models import Delivery, DeliveryStatus
from portal.organisations.models import OrgKind, Role
from property.registry import services as registry_services
from property.registry.models import Person
from tests.factories import add_units, staff
from tests.property.registry.factories import committee_member, submit_claim
from tests.voting.factories import link_user, open_vote, party

pytestmark = pytest.mark.django_db

PHONE = "+8613912345678"


class BrokenGateway:
    def send(self, phone, message):
        raise ConnectionError("gateway down")


@pytest.fixture(autouse=True)
def _outbox():
    LocmemSMSBackend.outbox.clear()
    yield
    LocmemSMSBackend.outbox.clear()


@pytest.fixture
def gateway_down(settings):
    settings.SMS_BACKEND = f"{__name__}.BrokenGateway"
    return settings


def gateway_up(settings):
    settings.SMS_BACKEND = "portal.accounts.sms.LocmemSMSBackend"


def test_a_text_to_a_phone_waits_for_the_commit_and_the_worker(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delivery = services.sms_to_phone(
            phone=PHONE, kind="registry.units_linked", text="[共治] 测试 https://x.cn/my/"
        )
    assert LocmemSMSBackend.outbox == [] and delivery.status == DeliveryStatus.PENDING
    for callback in callbacks:
        callback()  # the commit: the worker sends
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    assert LocmemSMSBackend.outbox == [(PHONE, "[共治] 测试 https://x.cn/my/")]


def test_a_failed_text_is_recorded_and_a_later_retry_sends_it(
    gateway_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.sms_to_phone(phone=PHONE, kind="voting.ballot_entered", text="[共治] 选票")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert "gateway down" in delivery.last_error and delivery.notification is None
    gateway_up(gateway_down)
    assert tasks.retry_failed() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert LocmemSMSBackend.outbox == [(PHONE, "[共治] 选票")]


def test_a_delivery_needs_an_account_or_a_phone_and_a_text():
    with pytest.raises(services.NotificationError):
        services.sms_to_phone(phone="", kind="voting.ballot_entered", text="x")
    with pytest.raises(services.NotificationError):
        services.sms_to_phone(phone=PHONE, kind="no.such", text="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(channel="sms", phone="", text="")
    assert Delivery.objects.count() == 0


def test_the_registry_contact_of_a_verified_person_is_texted_through_the_queue(
    world, gateway_down, django_capture_on_commit_callbacks
):
    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "张三")])
    Person.objects.filter(name="张三").update(phone=PHONE)
    staff(OrgKind.STREET_OFFICE, world.streets[0])
    owner = Person.objects.get(name="张三")
    claim = submit_claim(estate, [owner.parties.get().ownerships.get().unit], owner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registry_services.claim_verify(actor=committee_member(world), claim=claim)
    assert not Delivery.objects.filter(phone=PHONE).exists()  # the request only queued it
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    delivery = Delivery.objects.get(phone=PHONE)
    assert delivery.kind == "registry.units_linked" and delivery.status == DeliveryStatus.FAILED
    assert "1-101" in delivery.text and "/my/disputes/" in delivery.text
    gateway_up(gateway_down)
    tasks.retry_failed()
    assert [p for p, _t in LocmemSMSBackend.outbox] == [PHONE]
    assert Delivery.objects.get(phone=PHONE).status == DeliveryStatus.SENT


def test_party_members_without_an_account_are_texted_through_the_queue(
    client, world, gateway_down, django_capture_on_commit_callbacks
):
    """A paper ballot for a co-owned party: the member with an account is notified, the one
    without gets a text; with the gateway down the text waits and a retry sends it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "甲+乙"), ("1-102", "100.00", "丙")])
    co_owned = party(estate, "甲+乙")
    link_user(co_owned, 0)
    Person.objects.filter(pk=list(co_owned.members.order_by("pk"))[1].pk).update(phone=PHONE)
    committee = staff(
        OrgKind.OWNERS_COMMITTEE, estate.jurisdiction, Role.MEMBER, organisation=world.committees[0]
    )
    vote = open_vote(estate)
    client.force_login(committee)
    scan = SimpleUploadedFile("s.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 37, "image/png")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("voting:paper", args=[vote.pk]),
            {"party": co_owned.pk, "choice": "agree", "scan": scan},
        )
    assert response.status_code == 302
    assert LocmemSMSBackend.outbox == [] and not Delivery.objects.filter(phone=PHONE).exists()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    delivery = Delivery.objects.get(phone=PHONE)
    assert delivery.kind == "voting.ballot_entered" and delivery.status == DeliveryStatus.FAILED
    assert vote.title in delivery.text
    gateway_up(gateway_down)
    assert tasks.retry_failed() >= 1
    assert PHONE in [p for p, _t in LocmemSMSBackend.outbox]
    assert Delivery.objects.get(phone=PHONE).status == DeliveryStatus.SENT
