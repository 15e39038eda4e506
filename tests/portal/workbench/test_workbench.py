"""The workbench lists what awaits each role, for the right person only, oldest first, with
what is overdue marked (issue 16: "A workbench for every role")."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.organisations.models import OrgKind, Role
from portal.workbench import sections
from property.fund.models import FundRequest, RequestKind, Scope, Status
from property.registry.models import ClaimStatus
from tests.factories import make_owner, make_user, staff
from tests.property.credit.factories import add_record
from tests.property.credit.factories import company_staff as credit_company_staff
from tests.property.registry.factories import committee_member, registered_unit, submit_claim

pytestmark = pytest.mark.django_db


def page(client, user):
    client.force_login(user)
    response = client.get("/workbench/")
    assert response.status_code == 200
    return response.content.decode()


def group(user, role, key, subtitle=None):
    for section in sections.for_user(user):
        if section.role == role and (subtitle is None or section.subtitle == subtitle):
            return next(g for g in section.groups if g.key == key)
    raise AssertionError(f"no {role} section")


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/workbench/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/workbench/")


def test_signing_in_lands_on_the_workbench(client):
    """Every signed-in person lands on their workbench (LOGIN_REDIRECT_URL)."""
    user = make_user()
    response = client.post("/accounts/login/", {"login": user.email, "password": "pw-Gongzhi-2026"})
    assert response.status_code == 302
    assert response["Location"] == "/workbench/"


def test_committee_sees_its_estates_claims_oldest_first_and_not_anothers(world, client):
    member = committee_member(world, 0)
    first, p1 = registered_unit(world.estates[0], "1-101")
    second, p2 = registered_unit(world.estates[0], "1-102")
    elsewhere, p3 = registered_unit(world.estates[1], "9-901")
    older = submit_claim(world.estates[0], [first], p1)
    newer = submit_claim(world.estates[0], [second], p2)
    submit_claim(world.estates[1], [elsewhere], p3)
    claims = group(member, "committee", "claims")
    assert claims.count == 2
    assert [i.url for i in claims.items] == [
        f"/my/estates/{world.estates[0].code}/claims/{older.pk}/",
        f"/my/estates/{world.estates[0].code}/claims/{newer.pk}/",
    ]
    html = page(client, member)
    assert f"/claims/{older.pk}/" in html
    assert "9-901" not in html
    assert f"/my/estates/{world.estates[1].code}/" not in html
    # The registry and the claim queue are one click away.
    assert f'href="/my/estates/{world.estates[0].code}/claims/"' in html
    assert f'href="/my/estates/{world.estates[0].code}/"' in html


def test_a_decided_claim_leaves_the_committees_list(world):
    member = committee_member(world, 0)
    unit, person = registered_unit(world.estates[0], "1-101")
    claim = submit_claim(world.estates[0], [unit], person)
    assert group(member, "committee", "claims").count == 1
    type(claim).objects.filter(pk=claim.pk).update(status=ClaimStatus.REJECTED)
    assert group(member, "committee", "claims").count == 0


def _request(world, i, *, submitted_days_ago, deadline_days):
    today = timezone.localdate()
    return FundRequest.objects.create(
        estate=world.estates[i],
        kind=RequestKind.EMERGENCY,
        title=f"电梯抢修 {i}-{submitted_days_ago}",
        description="电梯困人。",
        scope=Scope.ESTATE,
        estimated_cost=Decimal("1000.00"),
        contractor="测试电梯公司",
        applicant=world.companies[i],
        created_by=make_user(),
        status=Status.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=submitted_days_ago),
        review_deadline=today + timedelta(days=deadline_days),
    )


def test_street_office_sees_requests_to_review_with_the_deadline_overdue_marked(world, client):
    officer = staff(OrgKind.STREET_OFFICE, world.streets[0])
    late = _request(world, 0, submitted_days_ago=9, deadline_days=-2)
    fresh = _request(world, 0, submitted_days_ago=1, deadline_days=2)
    _request(world, 1, submitted_days_ago=5, deadline_days=1)  # another street's
    review = group(officer, "street", "fund_review")
    assert [i.url for i in review.items] == [
        f"/fund/requests/{late.pk}/",
        f"/fund/requests/{fresh.pk}/",
    ]
    assert [i.overdue for i in review.items] == [True, False]
    assert review.items[0].due == late.review_deadline  # the fund's own deadline, not re-derived
    html = page(client, officer)
    assert "电梯抢修 1-5" not in html
    assert "workbench-overdue" in html


def test_company_sees_its_records_in_the_objection_window_not_anothers(world, client):
    mine = add_record(world, n=0, on=timezone.localdate())
    theirs = add_record(world, n=1, on=timezone.localdate())
    user = credit_company_staff(world, 0)
    records = group(user, "company", "records")
    assert [i.url for i in records.items] == [f"/credit/records/{mine.pk}/object/"]
    html = page(client, user)
    assert f"/credit/records/{theirs.pk}/" not in html
    assert 'href="/credit/mine/"' in html  # "why my score"


def test_record_whose_window_closes_soon_is_marked(world):
    user = credit_company_staff(world, 0)
    record = add_record(world, n=0, on=timezone.localdate())
    type(record).objects.filter(pk=record.pk).update(
        objection_deadline=timezone.localdate() + timedelta(days=1)
    )
    assert group(user, "company", "records").items[0].soon


def test_owner_without_units_gets_a_claim_start(client):
    user = make_user()
    html = page(client, user)
    assert 'href="/my/claims/new/"' in html
    owner = next(s for s in sections.for_user(user) if s.role == "owner")
    assert owner.start is not None and owner.groups == []


def test_owner_sees_their_units_and_not_anothers(world, client):
    user, unit = make_owner(world.estates[0], "3-301")
    make_owner(world.estates[1], "4-401")
    units = group(user, "owner", "units")
    assert [i.label for i in units.items] == [f"{world.estates[0].name} 3-301"]
    html = page(client, user)
    assert "4-401" not in html
    assert 'href="/dashboard/me/"' in html  # the owner's own dashboard


def test_owners_link_to_the_votes_reads_as_a_place_not_a_count(world, client):
    """The link to the votes list is "业主投票", as in the main menu; "Votes" was once translated
    for a table's column of counts only ("表决数"), and the link read "number of votes"."""
    user, _unit = make_owner(world.estates[0], "3-301")
    client.force_login(user)
    html = client.get("/workbench/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<a href="/votes/">业主投票</a>' in " ".join(html.split()).replace("> ", ">").replace(
        " <", "<"
    )
    assert "表决数" not in html


def test_a_person_with_several_roles_gets_a_section_each(world):
    user = committee_member(world, 0)
    from portal.organisations.models import Membership
    from portal.permissions import forget_grants

    Membership.objects.create(user=user, organisation=world.bureau, role=Role.APPROVER)
    forget_grants(user)
    roles = [s.role for s in sections.for_user(user)]
    assert roles == ["committee", "bureau"]


def test_staff_without_units_get_no_owner_section(world):
    officer = staff(OrgKind.STREET_OFFICE, world.streets[0])
    assert [s.role for s in sections.for_user(officer)] == ["street"]


def test_objections_to_a_result_wait_for_the_street_office_and_the_bureau(world, client):
    """The street office over the estate and the bureaus above it list the open objections to
    results, oldest first, each opening its ruling page, with the objection period's end as the
    due date; another street office and the residents' committee do not. The committee keeps
    reading them (with their status), as information."""
    from datetime import timedelta

    from tests.factories import add_units
    from tests.voting.factories import finish, link_user, open_vote, party
    from voting import services

    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "A"), ("1-102", "100.00", "B")])
    owner_a, owner_b = link_user(party(estate, "A")), link_user(party(estate, "B"))
    vote = open_vote(estate)
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "A"), choice="agree")
    vote = finish(vote)
    older = services.objection_file(actor=owner_a, vote=vote, text="一", now=vote.publicised_at)
    newer = services.objection_file(
        actor=owner_b, vote=vote, text="二", now=vote.publicised_at + timedelta(hours=1)
    )
    type(older).objects.filter(pk=older.pk).update(filed_at=vote.publicised_at)
    type(newer).objects.filter(pk=newer.pk).update(filed_at=vote.publicised_at + timedelta(hours=1))
    street = staff(OrgKind.STREET_OFFICE, world.streets[0])
    district = staff(OrgKind.BUREAU, world.districts[0])
    urls = [f"/votes/objections/{older.pk}/", f"/votes/objections/{newer.pk}/"]
    to_rule = group(street, "street", "vote_objections")
    assert [i.url for i in to_rule.items] == urls and to_rule.count == 2
    assert to_rule.items[0].due == vote.publicity_ends_at and to_rule.waiting
    assert [i.url for i in group(district, "bureau", "vote_objections").items] == urls
    html = page(client, street)
    assert urls[0] in html and 'href="/votes/objections/"' in html
    other_street = staff(OrgKind.STREET_OFFICE, world.streets[1])
    assert group(other_street, "street", "vote_objections").count == 0
    residents = staff(OrgKind.RESIDENTS_COMMITTEE, world.communities[0])
    section = next(s for s in sections.for_user(residents) if s.role == "street")
    assert "vote_objections" not in [g.key for g in section.groups]
    # The committee reads them with their status; it does not rule.
    member = committee_member(world, 0)
    read = group(member, "committee", "result_objections")
    assert [i.url for i in read.items] == [f"/votes/{vote.pk}/result/"] * 2
    assert read.items[0].detail == "待裁定" and not read.waiting
    # Once ruled, an objection leaves the rulers' lists.
    services.objection_dismiss(actor=street, objection=older, reason="无据")
    assert [i.url for i in group(street, "street", "vote_objections").items] == urls[1:]
    assert group(member, "committee", "result_objections").items[0].detail == "已驳回：结果维持"
