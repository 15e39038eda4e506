"""Provable delivery of every vote notice (送达; issue 17, DOMAIN.md §1 "Participation").

For each party of a vote's electorate: the in-portal notice seen, the SMS handed to the gateway
and its delivery receipt, the email sent, the notice posted in the estate (a photo, time and
place) and handed over in person (a signature scan). The committee sees, before the vote opens
and while it runs, the parties not reached; ``manage.py vote_delivery_report`` and a signed PDF
give the per-party record."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone, translation

from portal.notifications.models import Delivery, Notification
from portal.notifications.services import delivery_receipt_record, delivery_send, mark_read
from portal.organisations.models import OrgKind, Role
from property.registry.models import OwnerParty
from tests.factories import add_units, staff
from tests.pdfcheck import pdf_layout_faults, pdf_lines, signature_valid
from tests.voting.factories import draft_vote, link_user, open_vote, party
from voting import services
from voting.delivery_report import DeliveryEvent, PartyRow, party_records, summary
from voting.delivery_selectors import delivery_records
from voting.delivery_services import notice_handover_record, notice_posting_record
from voting.delivery_views import delivery_pdf_bytes
from voting.models import NoticeHandover, NoticePosting, VoteNotice

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 37
PDF = b"%PDF-1.4\n" + b"\x00" * 40
SH = ZoneInfo("Asia/Shanghai")


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


# ---- the pure rule -------------------------------------------------------------------------


def t(hour):
    return datetime(2026, 11, 20, hour, tzinfo=SH)


def test_reached_only_by_a_seen_notice_a_receipt_an_email_or_a_handover():
    """Rule (docs/voting.md): seen in the portal, an SMS with a delivered receipt, an email
    sent, or handed over reaches a party; a posting, an unseen notice, an SMS without receipt
    or undelivered, or a failed email does not."""
    parties = [PartyRow(i, f"P{i}", (f"1-{i}",), 10000) for i in range(1, 9)]
    events = [
        DeliveryEvent(None, "posted", t(8), "posted"),
        DeliveryEvent(1, "portal", t(9), "seen"),
        DeliveryEvent(2, "sms", t(9), "delivered"),
        DeliveryEvent(3, "email", t(9), "sent"),
        DeliveryEvent(4, "handed", t(9), "signed"),
        DeliveryEvent(5, "portal", t(9), "not_seen"),
        DeliveryEvent(6, "sms", t(9), "sent"),
        DeliveryEvent(6, "sms", t(10), "undelivered"),
        DeliveryEvent(7, "email", t(9), "failed"),
        DeliveryEvent(99, "handed", t(9), "signed"),  # not in the electorate: left out
    ]
    records = party_records(parties, events)
    assert [r.reached for r in records] == [True] * 4 + [False] * 4
    assert all(r.deliveries[0].channel == "posted" for r in records)  # in every record, by time
    s = summary(records)
    assert (s.parties, s.reached, s.not_reached) == (8, 4, 4)
    assert s.by_channel == {"portal": 1, "sms": 1, "email": 1, "posted": 0, "handed": 1}
    assert records[0].as_json() == {
        "party": "P1",
        "units": ["1-1"],
        "area": "100.00",
        "reached": True,
        "deliveries": [
            {"channel": "posted", "at": "2026-11-20T08:00:00+08:00", "status": "posted"},
            {"channel": "portal", "at": "2026-11-20T09:00:00+08:00", "status": "seen"},
        ],
    }


def test_unknown_channel_is_an_error():
    with pytest.raises(ValueError):
        party_records([PartyRow(1, "P", ("1",), 1)], [DeliveryEvent(1, "fax", t(9), "sent")])


# ---- the database --------------------------------------------------------------------------


@pytest.fixture
def v(world, settings):
    settings.SMS_BACKEND = "portal.accounts.sms.LocmemSMSBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    estate = world.estates[0]
    add_units(
        estate,
        [
            ("1-101", "100.00", "A"),
            ("1-102", "100.00", "B"),
            ("1-103", "90", "C"),
            ("1-104", "80", "D"),
        ],
    )
    other = world.estates[1]
    add_units(other, [("9-101", "100.00", "Z")])
    return {
        "estate": estate,
        "a": link_user(party(estate, "A")),
        "b": link_user(party(estate, "B")),
        "c": link_user(party(estate, "C")),
        "committee": staff(
            OrgKind.OWNERS_COMMITTEE,
            estate.jurisdiction,
            Role.MEMBER,
            organisation=world.committees[0],
        ),
        "other_committee": staff(
            OrgKind.OWNERS_COMMITTEE,
            other.jurisdiction,
            Role.MEMBER,
            organisation=world.committees[1],
        ),
        "street": staff(OrgKind.STREET_OFFICE, world.streets[0]),
        "other_street": staff(OrgKind.STREET_OFFICE, world.streets[1]),
    }


def _by_units(records):
    return {r.units: r for r in records}


def _statuses(record):
    return {(d.channel, d.status) for d in record.deliveries}


@pytest.mark.django_db
def test_every_channel_is_recorded_and_the_report_joins_them(v):
    """The notice and the opening are linked to the vote; read, email sent, SMS receipt,
    posting and handover each land in the right party's record; D (no account, nothing
    handed) is the one party not reached."""
    estate, committee = v["estate"], v["committee"]
    vote = open_vote(estate)  # notice (scheduled) and opening told to A, B and C
    assert VoteNotice.objects.filter(vote=vote).count() == 6
    # A reads the opening in the portal.
    a_notice = Notification.objects.get(
        vote_notice__vote=vote, vote_notice__step="opened", recipient=v["a"]
    )
    mark_read(user=v["a"], notification=a_notice)
    # B's email and SMS go out; the gateway reports B's SMS delivered.
    for d in Delivery.objects.filter(
        notification__recipient=v["b"], notification__vote_notice__vote=vote
    ):
        assert delivery_send(delivery=d)
    b_sms = Delivery.objects.get(
        notification__recipient=v["b"], notification__vote_notice__step="opened", channel="sms"
    )
    assert b_sms.gateway_ref
    assert delivery_receipt_record(gateway_ref=b_sms.gateway_ref, delivered=True) == 1
    # C's SMS is handed to the gateway but reported undelivered; C's emails fail.
    c_sms = Delivery.objects.get(notification__recipient=v["c"], channel="sms")
    delivery_send(delivery=c_sms)
    delivery_receipt_record(
        gateway_ref=Delivery.objects.get(pk=c_sms.pk).gateway_ref, delivered=False
    )
    Delivery.objects.filter(notification__recipient=v["c"], channel="email").update(status="failed")
    # Posted in the estate; the notice handed to C in person.
    now = timezone.now()
    notice_posting_record(
        actor=committee,
        vote=vote,
        posted_at=now - timedelta(days=9),
        place="东门公告栏",
        photo=png(),
    )
    notice_handover_record(
        actor=committee,
        vote=vote,
        party_id=party(estate, "C").pk,
        handed_at=now - timedelta(hours=1),
        signature=SimpleUploadedFile("signed.pdf", PDF),
    )

    records = _by_units(delivery_records(vote))
    a, b, c, d = (records[(u,)] for u in ("1-101", "1-102", "1-103", "1-104"))
    assert ("portal", "seen") in _statuses(a) and a.reached
    assert {("email", "sent"), ("sms", "delivered")} <= _statuses(b) and b.reached
    assert {("sms", "undelivered"), ("email", "failed"), ("handed", "signed")} <= _statuses(c)
    assert c.reached  # by the handover alone
    assert _statuses(d) == {("posted", "posted")} and not d.reached
    assert d.name == "D*" and d.area == 80


@pytest.mark.django_db
def test_an_sms_without_a_receipt_is_handed_to_the_gateway_but_does_not_reach(v, settings):
    """The console backend reports no receipt: the SMS stays "sent" and reaches nobody."""
    settings.SMS_BACKEND = "portal.accounts.sms.ConsoleSMSBackend"
    vote = open_vote(v["estate"])
    Delivery.objects.filter(channel="email").delete()
    for d in Delivery.objects.filter(notification__vote_notice__vote=vote, channel="sms"):
        delivery_send(delivery=d)
    records = _by_units(delivery_records(vote))
    assert ("sms", "sent") in _statuses(records[("1-101",)])
    assert not any(r.reached for r in records.values())
    assert delivery_receipt_record(gateway_ref="", delivered=True) == 0


@pytest.mark.django_db
def test_before_the_vote_opens_the_electorate_is_the_registry(v):
    """Scheduled: the parties holding units now; the notice reaches whoever read it."""
    vote = draft_vote(v["estate"])
    services.vote_schedule(actor=None, vote=vote)
    notice = Notification.objects.get(vote_notice__vote=vote, recipient=v["b"])
    mark_read(user=v["b"], notification=notice)
    records = delivery_records(vote)
    assert [r.units for r in records] == [("1-101",), ("1-102",), ("1-103",), ("1-104",)]
    assert [r.reached for r in records] == [False, True, False, False]


@pytest.mark.django_db
def test_bad_input_is_refused_and_writes_nothing(v):
    estate, committee = v["estate"], v["committee"]
    vote = open_vote(estate)
    now = timezone.now()
    bad = [
        dict(posted_at=now + timedelta(hours=1), place="东门", photo=png()),  # future
        dict(posted_at=now, place="  ", photo=png()),  # no place
        dict(posted_at=now, place="东门", photo=SimpleUploadedFile("x.pdf", PDF)),  # not a photo
        dict(posted_at=now, place="东门", photo=SimpleUploadedFile("x.png", b"<html>")),
        dict(posted_at=now - timedelta(days=30), place="东门", photo=png()),  # before notice
    ]
    for kwargs in bad:
        with pytest.raises(services.VoteError):
            notice_posting_record(actor=committee, vote=vote, **kwargs)
    other = party(v["estate"], "A")
    with pytest.raises(services.VoteError):  # a party of another estate
        notice_handover_record(
            actor=committee,
            vote=vote,
            party_id=other.pk + 10_000,
            handed_at=now,
            signature=SimpleUploadedFile("s.pdf", PDF),
        )
    draft = draft_vote(estate)
    with pytest.raises(services.VoteError):  # no notice yet
        notice_handover_record(
            actor=committee, vote=draft, party_id=other.pk, handed_at=now, signature=png()
        )
    assert not NoticePosting.objects.exists() and not NoticeHandover.objects.exists()


# ---- the command and the PDF -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_prints_one_json_object_per_party(v):
    vote = open_vote(v["estate"])
    notice_handover_record(
        actor=v["committee"],
        vote=vote,
        party_id=party(v["estate"], "D").pk,
        handed_at=timezone.now(),
        signature=png(),
    )
    out = StringIO()
    call_command("vote_delivery_report", str(vote.pk), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert [p["units"] for p in data] == [["1-101"], ["1-102"], ["1-103"], ["1-104"]]
    assert {"party", "units", "area", "deliveries"} <= set(data[0])
    assert data[3]["party"] == "D*" and data[3]["area"] == "80.00"
    handed = [d for d in data[3]["deliveries"] if d["channel"] == "handed"]
    assert handed and handed[0]["status"] == "signed" and handed[0]["at"].endswith("+08:00")
    portal = {d["status"] for d in data[0]["deliveries"] if d["channel"] == "portal"}
    assert portal == {"not_seen"}
    assert all(set(d) == {"channel", "at", "status"} for p in data for d in p["deliveries"])

    text = StringIO()
    call_command("vote_delivery_report", str(vote.pk), stdout=text)
    assert "1/4 parties reached" in text.getvalue()
    with pytest.raises(CommandError):
        call_command("vote_delivery_report", "999999")


@pytest.mark.django_db
def test_the_signed_pdf_gives_the_per_party_record(v):
    vote = open_vote(v["estate"])
    notice_posting_record(
        actor=v["committee"], vote=vote, posted_at=timezone.now(), place="东门公告栏", photo=png()
    )
    # A long name (a company, masked character by character) must stay in its column.
    OwnerParty.objects.filter(pk=party(v["estate"], "C").pk).update(
        label="芜湖市滨江房地产开发有限责任公司"
    )
    with translation.override("zh-hans"):
        pdf = delivery_pdf_bytes(vote)
    assert signature_valid(pdf)
    lines = pdf_lines(pdf)
    assert "表决通知送达记录" in lines
    assert "已送达的业主 0/4" in lines
    assert any(line.startswith("1-104 D* 80.00 否 小区张贴 · 已张贴 · ") for line in lines), lines
    assert pdf_layout_faults(pdf) == []


# ---- the pages -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_committee_sees_the_parties_not_reached_and_records_deliveries(client, v):
    vote = open_vote(v["estate"])
    client.force_login(v["committee"])
    detail = client.get(reverse("voting:detail", args=[vote.pk]))
    assert reverse("voting:delivery", args=[vote.pk]) in detail.content.decode()
    page = client.get(reverse("voting:delivery", args=[vote.pk])).content.decode()
    assert "1-104" in page and "D*" in page
    # Posting from the form.
    url = reverse("voting:delivery_posting", args=[vote.pk])
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"posted_at": at, "place": "东门公告栏", "photo": png()})
    assert response.status_code == 302
    posting = NoticePosting.objects.get(vote=vote)
    assert (
        client.get(
            reverse("voting:delivery_file", args=[vote.pk, "posted", posting.pk])
        ).status_code
        == 200
    )
    # A bad photo: a clear error, nothing written.
    response = client.post(
        url, {"posted_at": at, "place": "东门", "photo": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert response.status_code == 200 and NoticePosting.objects.count() == 1
    # The handover to D takes D off the list.
    d = party(v["estate"], "D")
    response = client.post(
        reverse("voting:delivery_handover", args=[vote.pk, d.pk]),
        {"handed_at": at, "signature": SimpleUploadedFile("s.pdf", PDF)},
    )
    assert response.status_code == 302
    page = client.get(reverse("voting:delivery", args=[vote.pk])).content.decode()
    assert "1-104" not in page and "1-101" in page
    assert client.get(reverse("voting:delivery_pdf", args=[vote.pk])).status_code == 200


@pytest.mark.django_db
def test_the_wrong_people_are_refused(client, v):
    vote = open_vote(v["estate"])
    pages = [
        reverse("voting:delivery", args=[vote.pk]),
        reverse("voting:delivery_pdf", args=[vote.pk]),
        reverse("voting:delivery_posting", args=[vote.pk]),
    ]
    for user in (v["a"], v["other_committee"], v["other_street"]):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 403, (user, url)
        response = client.post(
            pages[2], {"posted_at": "2026-01-01T10:00", "place": "x", "photo": png()}
        )
        assert response.status_code == 403
    # The street office over the estate follows it, but does not record.
    client.force_login(v["street"])
    assert client.get(pages[0]).status_code == 200
    assert client.get(pages[2]).status_code == 403
    assert not NoticePosting.objects.exists()
