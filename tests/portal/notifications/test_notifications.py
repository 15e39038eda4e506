"""Notifications (issue 16): every step someone must act on tells them in the portal, and by
email or SMS per their choice, from the worker, with a link on the configured host; a failed
send is retried and never loses the in-portal notice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.accounts.sms import LocmemSMSBackend
from portal.notifications import kinds, selectors, services, tasks
from portal.notifications.models import Delivery, DeliveryStatus, Notification, Preference
from tests.factories import make_user

pytestmark = pytest.mark.django_db

kinds.register(
    kinds.Kind(
        code="test.review",
        label="A request to review",
        title="%(estate)s: request %(title)s awaits your review",
        audience=("owner", "street"),
    ),
    kinds.Kind(
        code="test.owner_act",
        label="A vote to cast",
        title="Vote %(title)s is open",
        sms=True,
        audience=("owner",),
    ),
)


@pytest.fixture(autouse=True)
def _outboxes():
    LocmemSMSBackend.outbox.clear()
    yield
    LocmemSMSBackend.outbox.clear()


def person(**kw):
    """An account with the given email and no phone (``with_phone`` adds a verified one)."""
    user = make_user(**kw)
    user.phone, user.phone_verified = None, False
    user.save(update_fields=["phone", "phone_verified"])
    return user


def with_phone(user, phone="+8613912345678"):
    user.phone, user.phone_verified = phone, True
    user.save(update_fields=["phone", "phone_verified"])
    return user


def test_each_recipient_gets_one_notice_and_deliveries_per_channel(
    django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://wuye.example.cn"
    staff = person(email="street@example.cn")
    owner = with_phone(person(email="owner@example.cn"))
    no_email = with_phone(person(email=""), "+8613912345679")
    with django_capture_on_commit_callbacks(execute=True):
        made = services.notify(
            recipients=[staff, owner, owner, no_email],
            kind="test.owner_act",
            params={"title": "更换物业"},
            url="/votes/7/",
        )
    assert len(made) == 3
    assert Notification.objects.count() == 3
    channels = sorted(Delivery.objects.values_list("channel", flat=True))
    assert channels == ["email", "email", "sms", "sms"]
    assert sorted(m.to[0] for m in mail.outbox) == ["owner@example.cn", "street@example.cn"]
    assert "https://wuye.example.cn/votes/7/" in mail.outbox[0].body
    assert "更换物业" in mail.outbox[0].subject
    assert len(LocmemSMSBackend.outbox) == 2
    assert all(
        "https://wuye.example.cn/votes/7/" in text for _phone, text in LocmemSMSBackend.outbox
    )
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_nothing_is_sent_in_the_request_before_commit():
    owner = person(email="owner@example.cn")
    services.notify(
        recipients=[owner], kind="test.review", params={"estate": "滨江花园", "title": "1"}
    )
    assert mail.outbox == []  # queued after commit only
    assert Delivery.objects.get().status == DeliveryStatus.PENDING


def test_sms_only_for_kinds_an_owner_acts_on_and_only_to_verified_phones(
    django_capture_on_commit_callbacks,
):
    owner = with_phone(person(email=""))
    unverified = person(email="")
    unverified.phone, unverified.phone_verified = "+8613912340000", False
    unverified.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[owner, unverified], kind="test.review", params={})
        services.notify(recipients=[owner, unverified], kind="test.owner_act", params={})
    assert [p for p, _t in LocmemSMSBackend.outbox] == ["+8613912345678"]
    assert (
        Notification.objects.filter(recipient=unverified).count() == 2
    )  # still told in the portal


def test_a_person_turns_email_off_and_still_sees_it_in_the_portal(
    django_capture_on_commit_callbacks,
):
    owner = person(email="owner@example.cn")
    services.preferences_set(user=owner, choices={"test.review": (False, False)})
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[owner], kind="test.review", params={"estate": "A", "title": "B"}
        )
    assert mail.outbox == []
    assert selectors.unread_count(owner) == 1


def test_a_failed_send_is_retried_and_never_loses_the_notice(
    django_capture_on_commit_callbacks, monkeypatch
):
    owner = person(email="owner@example.cn")

    def broken(*args, **kwargs):
        raise ConnectionError("gateway down")

    monkeypatch.setattr(services, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[owner], kind="test.review", params={"estate": "A", "title": "B"}
        )
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert "gateway down" in delivery.last_error
    assert selectors.unread_count(owner) == 1
    monkeypatch.undo()
    assert tasks.retry_failed() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert len(mail.outbox) == 1


def test_retries_stop_after_the_last_attempt(monkeypatch):
    owner = person(email="owner@example.cn")
    services.notify(recipients=[owner], kind="test.review", params={})
    Delivery.objects.update(status=DeliveryStatus.FAILED, attempts=services.MAX_ATTEMPTS)
    assert tasks.retry_failed() == 0
    assert mail.outbox == []


def test_unknown_kind_and_foreign_links_are_refused():
    owner = person()
    with pytest.raises(services.NotificationError):
        services.notify(recipients=[owner], kind="no.such", params={})
    with pytest.raises(services.NotificationError):
        services.notify(recipients=[owner], kind="test.review", url="https://evil.example/")
    assert Notification.objects.count() == 0


def test_the_list_shows_only_ones_own_and_opening_marks_read(client):
    owner, other = person(), person()
    mine = services.notify(
        recipients=[owner],
        kind="test.review",
        params={"estate": "滨江花园", "title": "电梯"},
        url="/fund/",
    )[0]
    theirs = services.notify(
        recipients=[other], kind="test.review", params={"estate": "别处", "title": "屋面"}
    )[0]
    client.force_login(owner)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "滨江花园" in page and "别处" not in page
    response = client.post(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/fund/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(reverse("notifications:open", args=[mine.pk])).status_code == 405


def test_read_all_and_the_unread_count(client):
    owner = person()
    for _ in range(3):
        services.notify(recipients=[owner], kind="test.review", params={})
    client.force_login(owner)
    response = client.get(reverse("notifications:list"))
    assert response.context["notifications_unread"]() == 3
    client.post(reverse("notifications:read_all"))
    assert selectors.unread_count(owner) == 0


def test_the_settings_page_saves_each_choice(client):
    owner = with_phone(person(email="owner@example.cn"))
    client.force_login(owner)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "A vote to cast" in page
    response = client.post(reverse("notifications:settings"), {"test.owner_act:email": "on"})
    assert response.status_code == 302
    pref = Preference.objects.get(user=owner, kind="test.owner_act")
    assert (pref.email, pref.sms) == (True, False)
    assert Preference.objects.get(user=owner, kind="test.review").email is False


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_mark_read_before_marks_only_what_was_told_earlier():
    owner = make_user("old-and-new@example.cn")
    made = services.notify(
        recipients=[owner], kind="test.owner_act", params={"title": "旧"}, url="/"
    )
    made += services.notify(
        recipients=[owner], kind="test.owner_act", params={"title": "新"}, url="/"
    )
    now = timezone.now()
    Notification.objects.filter(pk=made[0].pk).update(created_at=now - timedelta(days=8))
    assert services.mark_read_before(before=now - timedelta(days=7), now=now) == 1
    old, new = (Notification.objects.get(pk=n.pk) for n in made)
    assert old.read_at == now and new.read_at is None
