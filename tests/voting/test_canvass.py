"""The canvass list, turnout over time on the vote page, reminders by hand and the optional
public list of voted units (issue 17): who sees them, and what they never show."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.organisations.models import OrgKind, Role
from property.registry.models import Building, Person, Unit
from tests.factories import add_units, staff
from tests.voting.factories import link_user, open_vote, party
from voting import canvass, services
from voting.models import ReminderRound, Vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    estate = world.estates[0]
    add_units(
        estate,
        [
            ("1-101", "100.00", "王小明"),
            ("1-102", "150.00", "李四+赵六"),
            ("1-103", "80.00", "张三"),
            ("1-104", "120.00", None),
        ],
    )
    other = world.estates[1]
    add_units(other, [("9-901", "80.00", "周九")])
    return {
        "world": world,
        "estate": estate,
        "owner": link_user(party(estate, "王小明")),
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
        "company": staff(
            OrgKind.PROPERTY_COMPANY, estate.jurisdiction, organisation=world.companies[0]
        ),
    }


def test_canvass_list_largest_area_first_masked_without_voted(setup):
    estate = setup["estate"]
    vote = open_vote(estate)
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "王小明"), choice="agree")
    rows = canvass.canvass_list(vote)
    assert [[u.code for u in r["units"]] for r in rows] == [["1-102"], ["1-104"], ["1-103"]]
    assert [r["name"] for r in rows] == ["李*、赵*", "开发商", "张*"]
    assert [str(r["area"]) for r in rows] == ["150.00", "120.00", "80.00"]


def test_canvass_list_scoped_to_the_committees_estate_and_the_streets_area(client, setup):
    """The estate's committee and the street office over it see it; another estate's committee,
    another street, the property company and an owner are refused."""
    estate = setup["estate"]
    vote = open_vote(estate)
    url = reverse("voting:canvass", args=[vote.pk])
    for who in ("committee", "street"):
        client.force_login(setup[who])
        response = client.get(url)
        assert response.status_code == 200, who
        text = response.content.decode()
        assert "1-102" in text and "李*" in text and "李四" not in text and "赵六" not in text
    # The organiser (committee) gets the paper-entry link; the street office (not organiser
    # where there is a committee) does not.
    client.force_login(setup["committee"])
    assert f"?party={party(estate, '李四+赵六').pk}" in client.get(url).content.decode()
    # The organiser records a handover from the list; the street office follows the delivery.
    handover = reverse("voting:delivery_handover", args=[vote.pk, party(estate, "李四+赵六").pk])
    assert handover in client.get(url).content.decode()
    client.force_login(setup["street"])
    text = client.get(url).content.decode()
    assert "?party=" not in text and handover not in text
    assert reverse("voting:delivery", args=[vote.pk]) in text
    for who in ("other_committee", "other_street", "company", "owner"):
        client.force_login(setup[who])
        assert client.get(url).status_code == 403, who


def test_vote_page_links_canvass_and_shows_turnout_over_time(client, setup):
    estate = setup["estate"]
    vote = open_vote(estate)
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "王小明"), choice="agree")
    client.force_login(setup["committee"])
    text = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert reverse("voting:canvass", args=[vote.pk]) in text
    assert 'id="turnout-chart-data"' in text and "turnout-time" in text
    assert reverse("voting:reminder_send", args=[vote.pk]) in text
    # The owner sees turnout over time but neither the canvass list nor the reminder button.
    client.force_login(setup["owner"])
    text = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert 'id="turnout-chart-data"' in text
    assert reverse("voting:canvass", args=[vote.pk]) not in text
    assert reverse("voting:reminder_send", args=[vote.pk]) not in text


def test_reminder_by_hand_once_a_day_and_only_the_organiser(client, setup):
    vote = open_vote(setup["estate"])
    url = reverse("voting:reminder_send", args=[vote.pk])
    for who in ("owner", "other_committee", "street"):
        client.force_login(setup[who])
        assert client.post(url).status_code == 403, who
    client.force_login(setup["committee"])
    assert client.get(url).status_code == 405  # a GET never writes
    client.post(url)
    response = client.post(url, follow=True)
    assert ReminderRound.objects.filter(vote=vote).count() == 1
    assert "today" in response.content.decode() or "今天" in response.content.decode()


def test_public_list_of_voted_units_off_by_default_and_never_names(client, setup):
    estate = setup["estate"]
    Person.objects.filter(name="王小明").update(phone="+8613900009999")
    vote = open_vote(estate)
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "王小明"), choice="agree")
    url = reverse("voting:board", args=[vote.pk])
    assert "1-101" not in client.get(url).content.decode()  # off by default
    Vote.objects.filter(pk=vote.pk).update(list_voted_units=True)
    text = client.get(url).content.decode()
    assert "1-101" in text and "100.00" in text
    assert "1-102" not in text and "1-103" not in text  # not voted
    for secret in ("王小明", "王*", "9999", "agree", "同意", "Online", "网上"):
        assert secret not in text, secret


def test_list_voted_units_set_when_drafted(setup):
    from tests.voting.factories import draft_vote

    vote = draft_vote(setup["estate"], list_voted_units=True)
    assert Vote.objects.get(pk=vote.pk).list_voted_units
    assert not draft_vote(setup["estate"]).list_voted_units
    services.vote_update_draft(
        actor=None,
        vote=vote,
        title=vote.title,
        matter=vote.matter,
        motion=vote.motion,
        opens_at=vote.opens_at,
        closes_at=vote.closes_at,
    )
    assert not Vote.objects.get(pk=vote.pk).list_voted_units
    assert timezone.now() - timedelta(minutes=5) < vote.created_at


def test_canvass_list_one_building_at_a_time_and_in_pages(client, setup, monkeypatch):
    """A canvasser walks one building: the list filters by building (counts in the choice) and
    comes in pages, so a phone does not scroll through the whole estate."""
    from voting import canvass_views

    estate = setup["estate"]
    add_units(estate, [("2-201", "90.00", "钱七")])
    second = Building.objects.create(estate=estate, code="2")
    Unit.objects.filter(estate=estate, code="2-201").update(building=second)
    vote = open_vote(estate)
    url = reverse("voting:canvass", args=[vote.pk])
    client.force_login(setup["committee"])
    text = client.get(url, {"building": "2"}).content.decode()
    assert "2-201" in text and "1-102" not in text
    assert "selected" in text
    text = client.get(url, {"building": "1"}).content.decode()
    assert "1-102" in text and "2-201" not in text
    # An unknown building shows every party.
    text = client.get(url, {"building": "99"}).content.decode()
    assert "1-102" in text and "2-201" in text
    monkeypatch.setattr(canvass_views, "CANVASS_PAGE_SIZE", 2)
    first = client.get(url).content.decode()
    assert "1-102" in first and "1-104" in first and "1-103" not in first
    assert "page=2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert "1-101" in second and "2-201" in second and "1-102" not in second
    assert "1-103" in client.get(url, {"page": 3}).content.decode()


def test_canvass_list_shows_a_phone_only_where_the_owner_allowed_it(client, setup):
    """The owner allows their phone on My property (POST); the committee then sees it on the
    canvass list; withdrawn, it is gone. Another owner's phone is never shown."""
    estate = setup["estate"]
    vote = open_vote(estate)
    owner = setup["owner"]  # 王小明, party of 1-101, has not voted
    url = reverse("voting:canvass", args=[vote.pk])
    Person.objects.filter(name="张三").update(phone="13900000003")
    client.force_login(setup["committee"])
    text = client.get(url).content.decode()
    assert owner.phone not in text and "13900000003" not in text

    client.force_login(owner)
    assert client.get(reverse("registry:my_property")).status_code == 200
    assert Person.objects.get(user=owner).contact_allowed_at is None  # a GET writes nothing
    response = client.post(reverse("registry:contact_allow"), {"allow": "1"})
    assert response.status_code == 302
    assert Person.objects.get(user=owner).contact_allowed_at is not None
    assert "不再公开我的电话" in client.get(reverse("registry:my_property")).content.decode()

    client.force_login(setup["committee"])
    text = client.get(url).content.decode()
    assert f'href="tel:{owner.phone}"' in text
    assert "13900000003" not in text

    client.force_login(owner)
    client.post(reverse("registry:contact_allow"), {"allow": "0"})
    assert Person.objects.get(user=owner).contact_allowed_at is None
    client.force_login(setup["committee"])
    assert owner.phone not in client.get(url).content.decode()


def test_only_a_registry_person_may_allow_their_phone(client, setup):
    """An account that is no registry person is told so; nothing is written."""
    from tests.factories import make_user

    stranger = make_user()
    client.force_login(stranger)
    response = client.post(reverse("registry:contact_allow"), {"allow": "1"}, follow=True)
    assert "只有已核验的业主才能设置是否公开电话" in response.content.decode()
    assert not Person.objects.filter(contact_allowed_at__isnull=False).exists()
    client.logout()
    assert client.post(reverse("registry:contact_allow"), {"allow": "1"}).status_code == 302
    assert not Person.objects.filter(contact_allowed_at__isnull=False).exists()
