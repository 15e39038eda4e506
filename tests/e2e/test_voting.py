"""An owner votes online and checks the receipt; the committee enters a paper ballot."""

import pytest
from playwright.sync_api import expect

from portal.core.demo import DEMO_TOTP_SECRET
from tests.e2e.steps import RECEIPT, cast_on_the_form

pytestmark = pytest.mark.e2e

OPEN_VOTE = "更换小区物业服务企业"  # the demo's open vote in 滨江花园
# The label and first unit code of an owner party of the open vote that has not voted yet.
NOT_VOTED = f"""
from voting.models import Ballot, Vote, VoteElector, VoteElectorUnit
vote = Vote.objects.get(title="{OPEN_VOTE}", estate__code="binjiang")
voted = set(Ballot.objects.filter(vote=vote).values_list("party_id", flat=True))
parties = [e.party for e in VoteElector.objects.filter(vote=vote).select_related("party")]
first = sorted((p for p in parties if p.pk not in voted), key=lambda p: p.label)[0]
unit = VoteElectorUnit.objects.filter(vote=vote, elector__party=first).order_by("unit__code")
print(first.label + "\t" + unit.first().unit.code)
"""
# The label and first unit code of an owner party that voted online in the open vote.
VOTED_ONLINE = f"""
from voting.models import Ballot, Vote, VoteElectorUnit
vote = Vote.objects.get(title="{OPEN_VOTE}", estate__code="binjiang")
party = Ballot.objects.filter(vote=vote, channel="online").order_by("party__label").first().party
unit = VoteElectorUnit.objects.filter(vote=vote, elector__party=party).order_by("unit__code")
print(party.label + "\t" + unit.first().unit.code)
"""
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def open_the_vote(journey):
    page = journey.page
    journey.goto("/votes/")
    journey.step("vote list")
    page.get_by_role("link", name=OPEN_VOTE).first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text(OPEN_VOTE)


def test_owner_votes_and_checks_the_receipt(journey):
    """Voting rules: an owner casts a sealed ballot after confirming it, gets a receipt code,
    and finds that code on their "my vote" page as the ballot that counts."""
    page = journey.page
    journey.login("owner1.binjiang@demo.gongzhi.cn")
    open_the_vote(journey)
    journey.step("vote page")
    page.locator("main a[href$='/cast/']").first.click()
    page.wait_for_load_state()
    receipt = cast_on_the_form(journey, "agree")
    row = page.locator("main table tbody tr", has_text=receipt)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("是")  # "yes (latest)": the ballot that counts
    assert not journey.broken, journey.broken


def find_and_choose(journey, query: str, label: str) -> None:
    """On the paper ballot page: type ``query`` in the search box (results come as you type)
    and choose the party labelled ``label``."""
    page = journey.page
    page.fill("input[name=q]", query)
    card = page.locator("#paper-results .card", has_text=label).first
    expect(card).to_be_visible()
    journey.step(f"found {query}")
    card.get_by_role("link").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=2).first).to_contain_text(label)


def enter_on_the_form(journey, choice: str) -> None:
    page = journey.page
    page.locator(f"input[name=choice][value={choice}]").check()
    page.set_input_files(
        "input[name=scan]", {"name": "纸质选票.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()


def test_committee_enters_a_paper_ballot(journey):
    """Paper ballots: the owners' committee, from its workbench, finds the party by unit code as
    it types and enters its paper ballot with the scan; the ballot goes on the board. A second
    paper ballot for the same party asks first what it replaces; an owner who voted online
    cannot vote on paper."""
    page = journey.page
    journey.login("committee.binjiang@demo.gongzhi.cn", totp_secret=DEMO_TOTP_SECRET)
    # From the workbench the committee lands on: "Paper ballots to enter (open votes)".
    assert page.url.endswith("/workbench/"), page.url
    paper = page.locator("section.workbench-group[data-group='paper']")
    journey.step("workbench")
    paper.locator("li.workbench-item", has_text=OPEN_VOTE).locator("a.workbench-act").first.click()
    page.wait_for_load_state()
    journey.step("paper ballot page")
    expect(page.locator("input[name=q]")).to_be_visible()
    party_label, unit_code = journey.server.shell(NOT_VOTED).splitlines()[-1].split("\t")
    find_and_choose(journey, unit_code, party_label)
    enter_on_the_form(journey, "oppose")
    journey.step("paper ballot entered")
    message = page.locator(".messages").inner_text()
    assert party_label in message and RECEIPT.search(message), message

    # A second paper ballot for the same party: confirm what it replaces.
    find_and_choose(journey, unit_code, party_label)
    enter_on_the_form(journey, "agree")
    journey.step("asked to confirm the replacement")
    expect(page.get_by_role("heading", level=1)).to_contain_text("替换")
    page.locator("main button[name=confirm][value='1']").click()
    page.wait_for_load_state()
    message = page.locator(".messages").inner_text()
    assert party_label in message and RECEIPT.search(message), message

    # An owner who voted online cannot also vote on paper: one ballot across all channels.
    online_label, online_unit = journey.server.shell(VOTED_ONLINE).splitlines()[-1].split("\t")
    find_and_choose(journey, online_unit, online_label)
    journey.step("paper ballot of an online voter refused")
    expect(page.locator("main [role=alert]")).to_contain_text("只能投一票")
    expect(page.locator("input[name=scan]")).to_have_count(0)
    assert not journey.broken, journey.broken
