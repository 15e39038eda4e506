"""The audit log is append-only: no model call, queryset or admin view changes or removes it."""

import pytest

from portal.audit import log_event
from portal.audit.models import AppendOnlyError, AuditEvent
from portal.organisations.models import OrgKind
from tests.factories import staff

pytestmark = pytest.mark.django_db


def test_events_cannot_be_updated_or_deleted(world):
    event = log_event(actor=None, action="test.done", obj=world.estates[0], details={"n": 1})
    assert event.jurisdiction_path == world.estate_nodes[0].path
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.done"


def test_admin_shows_log_read_only(client, world):
    officer = staff(OrgKind.BUREAU, world.districts[0])
    own = log_event(actor=officer, action="test.own", obj=world.estates[0])
    other = log_event(actor=None, action="test.other", obj=world.estates[1])
    client.force_login(officer)
    listing = client.get("/admin/audit/")
    assert listing.status_code == 200
    assert b"test.own" in listing.content and b"test.other" not in listing.content
    assert client.get(f"/admin/audit/inspect/{own.pk}/").status_code == 200
    for url in (
        "/admin/audit/add/",
        f"/admin/audit/edit/{own.pk}/",
        f"/admin/audit/delete/{own.pk}/",
    ):
        assert client.get(url).status_code in (302, 403, 404), url
        client.post(url, {"action": "tampered"})
    assert AuditEvent.objects.get(pk=own.pk).action == "test.own"
    assert AuditEvent.objects.filter(pk=other.pk).exists()


def test_superuser_cannot_edit_either(client, world):
    from tests.factories import make_user

    admin = make_user(mfa=True, is_superuser=True, is_staff=True)
    event = log_event(actor=None, action="test.keep")
    client.force_login(admin)
    for url in (f"/admin/audit/edit/{event.pk}/", f"/admin/audit/delete/{event.pk}/"):
        client.post(url, {"action": "tampered"})
    assert AuditEvent.objects.get(pk=event.pk).action == "test.keep"
    assert client.get("/django-admin/audit/auditevent/").status_code == 404
