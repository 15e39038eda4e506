"""The notification settings page (issue 16): each kind names its audience, the roles that give
a person workbench sections (``portal.permissions.roles_of``); a person is offered only the
kinds of the roles they hold, grouped by area, each box named by its kind and channel; saving
keeps the choices of kinds not shown; the portal still shows every notification of every kind."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from portal.notifications import kinds, services
from portal.notifications.models import Notification, Preference
from portal.organisations.models import OrgKind
from portal.permissions import BUREAU, COMPANY, OWNER, ROLES, STREET, roles_of
from property.registry.models import ClaimStatus, OwnerClaim
from tests.factories import make_owner, make_user, staff

SETTINGS = "notifications:settings"


def app_kinds():
    return [k for k in kinds.all_kinds() if not k.code.startswith(("test.", "matrix."))]


def test_every_kind_has_an_audience_of_known_roles_and_a_registered_area():
    assert len(app_kinds()) >= 39
    for kind in app_kinds():
        assert kind.audience, f"{kind.code} has no audience"
        assert kind.audience <= set(ROLES), kind.code
        area = kinds.area(kind.area)
        assert str(area.title) != kind.area and str(area.note), f"{kind.area} is not registered"


def test_an_unknown_role_in_an_audience_is_refused():
    with pytest.raises(ValueError):
        kinds.Kind(code="test.bad", label="x", title="x", audience=("mayor",))


def offered(page: str) -> set[str]:
    """The kind codes the page offers (from its checkbox names)."""
    return set(re.findall(r'name="([\w.]+):email"', page))


def owner_only_codes():
    return {k.code for k in app_kinds() if k.audience == {OWNER}}


def test_roles_follow_the_workbench(world):
    """An owner is anyone who acts for no organisation or who holds a unit or an open claim;
    staff get their organisation's role; staff with a unit are owners too."""
    resident = make_user()
    officer = staff(OrgKind.STREET_OFFICE, world.streets[0])
    company = staff(OrgKind.PROPERTY_COMPANY, world.city, organisation=world.companies[0])
    assert roles_of(resident) == {OWNER}
    assert roles_of(officer) == {STREET}
    assert roles_of(company) == {COMPANY}
    bureau_owner, _unit = make_owner(world.estates[0])
    from portal.organisations.models import Membership, Role
    from portal.permissions import forget_grants

    Membership.objects.create(user=bureau_owner, organisation=world.bureau, role=Role.OFFICER)
    forget_grants(bureau_owner)
    assert roles_of(bureau_owner) == {BUREAU, OWNER}
    claimant = staff(OrgKind.STREET_OFFICE, world.streets[1])
    OwnerClaim.objects.create(user=claimant, estate=world.estates[1], status=ClaimStatus.PENDING)
    assert roles_of(claimant) == {STREET, OWNER}


def test_an_owner_sees_only_owner_kinds_under_area_headings(client, world):
    owner, _unit = make_owner(world.estates[0])
    client.force_login(owner)
    page = client.get(reverse(SETTINGS)).content.decode()
    codes = offered(page)
    assert codes and all(OWNER in kinds.get(c).audience for c in codes)
    assert owner_only_codes() <= codes
    assert "fund.request_filed" not in codes and "cms.notice_submitted" not in codes
    assert "credit.record_added" not in codes
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", page)
    assert headings[:2] == ["业主投票", "房屋认领与核验"]
    assert "维修资金" in headings and "通知公告" not in headings
    assert "您所在小区的表决" in page  # the area's line


def test_the_street_office_sees_its_kinds_and_not_the_owners(client, world):
    officer = staff(OrgKind.STREET_OFFICE, world.streets[0])
    client.force_login(officer)
    codes = offered(client.get(reverse(SETTINGS)).content.decode())
    assert {"fund.request_filed", "registry.dispute_filed", "voting.ballot_disputed"} <= codes
    assert not codes & owner_only_codes()
    assert "credit.objection_filed" not in codes  # the bureau rules on those


def test_a_kind_received_anyway_is_offered(client, world):
    """A staff member made a proxy gets ``voting.proxy_approved``: they may turn its email off."""
    officer = staff(OrgKind.STREET_OFFICE, world.streets[0])
    services.notify(recipients=[officer], kind="voting.proxy_approved", params={"title": "x"})
    client.force_login(officer)
    assert "voting.proxy_approved" in offered(client.get(reverse(SETTINGS)).content.decode())


def test_saving_keeps_the_choices_of_kinds_not_shown(client, world):
    owner, _unit = make_owner(world.estates[0])
    services.preferences_set(user=owner, choices={"fund.request_filed": (False, True)})
    client.force_login(owner)
    response = client.post(reverse(SETTINGS), {"voting.vote_opened:sms": "on"})
    assert response.status_code == 302
    opened = Preference.objects.get(user=owner, kind="voting.vote_opened")
    assert (opened.email, opened.sms) == (False, True)
    kept = Preference.objects.get(user=owner, kind="fund.request_filed")
    assert (kept.email, kept.sms) == (False, True)
    assert not Preference.objects.filter(user=owner, kind="credit.record_added").exists()


def test_a_kind_outside_the_audience_still_reaches_the_portal_list(client, world):
    owner, _unit = make_owner(world.estates[0])
    services.notify(
        recipients=[owner],
        kind="credit.objection_filed",
        params={"company": "某物业", "item": "违规收费"},
    )
    assert Notification.objects.filter(recipient=owner, kind="credit.objection_filed").exists()
    client.force_login(owner)
    assert "某物业" in client.get(reverse("notifications:list")).content.decode()


class _Boxes(HTMLParser):
    """Each checkbox's accessible name: the text of the label that wraps it."""

    def __init__(self):
        super().__init__()
        self.labels, self._label, self._has_box = [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "label":
            self._label, self._has_box = [], False
        elif tag == "input" and dict(attrs).get("type") == "checkbox":
            self._has_box = True

    def handle_data(self, data):
        if self._label is not None:
            self._label.append(data)

    def handle_endtag(self, tag):
        if tag == "label" and self._label is not None:
            if self._has_box:
                self.labels.append("".join(self._label).strip())
            self._label = None


def test_each_box_is_named_by_its_channel_and_kind(client, world, settings):
    owner, _unit = make_owner(world.estates[0])
    client.force_login(owner)
    page = client.get(reverse(SETTINGS), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    parser = _Boxes()
    parser.feed(page)
    opened = str(kinds.get("voting.vote_opened").label)
    assert "邮件通知：表决已开始" in parser.labels and "短信通知：表决已开始" in parser.labels
    # Two boxes per kind, and a third "not at all" for a kind that may be muted (reminders).
    mutable = sorted(k for k in offered(page) if kinds.get(k).can_mute)
    assert mutable == ["voting.vote_closing"]
    assert len(parser.labels) == 2 * len(offered(page)) + len(mutable) and all(parser.labels)
    assert any(label.startswith("完全不接收此类通知") for label in parser.labels)
    assert opened  # the kind's own label, translated
    assert "data-no-stack" in page  # a compact table on a phone, not a card per kind


def test_staff_of_no_role_are_told_there_is_nothing_to_choose(client, world):
    from tests.factories import org

    developer = staff(
        OrgKind.DEVELOPER, world.city, organisation=org(OrgKind.DEVELOPER, world.city)
    )
    client.force_login(developer)
    page = client.get(reverse(SETTINGS)).content.decode()
    assert offered(page) == set() and "没有面向您身份的通知类型" in page


def test_reminders_can_be_turned_off_altogether(client, world):
    """Issue 17: the "not at all" box of reminders is saved, and no other kind offers one."""
    from portal.notifications.models import Preference

    owner, _unit = make_owner(world.estates[0])
    client.force_login(owner)
    page = client.get(reverse(SETTINGS)).content.decode()
    assert 'name="voting.vote_closing:mute"' in page
    assert page.count(':mute"') == 1
    data = {"voting.vote_closing:email": "on", "voting.vote_closing:mute": "on"}
    client.post(reverse(SETTINGS), data)
    assert Preference.objects.get(user=owner, kind="voting.vote_closing").muted
    client.post(reverse(SETTINGS), {"voting.vote_closing:email": "on"})
    assert not Preference.objects.get(user=owner, kind="voting.vote_closing").muted
