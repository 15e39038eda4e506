"""An owner votes online and checks the receipt; the committee enters a paper ballot."""

import pytest
from playwright.sync_api import expect

from portal.core.demo import DEMO_TOTP_SECRET
from tests.e2e.steps import RECEIPT, cast_on_the_form

pytestmark = pytest.mark.e2e

OPEN_VOTE = "更换小区物业服务企业"  # the demo's open vote in 滨江花园
# The label of an owner party of the open vote that has not voted yet (first by label).
NOT_VOTED = f"""
from voting.models import Ballot, Vote, VoteElector
vote = Vote.objects.get(title="{OPEN_VOTE}", estate__code="binjiang")
voted = set(Ballot.objects.filter(vote=vote).values_list("party_id", flat=True))
parties = [e.party for e in VoteElector.objects.filter(vote=vote).select_related("party")]
print(sorted(p.label for p in parties if p.pk not in voted)[0])
"""
# The label of an owner party that voted online in the open vote.
VOTED_ONLINE = f"""
from voting.models import Ballot, Vote
vote = Vote.objects.get(title="{OPEN_VOTE}", estate__code="binjiang")
print(Ballot.objects.filter(vote=vote, channel="online").order_by("party__label").first().party.label)
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


def test_committee_enters_a_paper_ballot(journey):
    """Paper ballots: the owners' committee enters an owner's paper ballot with its scan; the
    ballot goes on the board and the owner's party shows as voted."""
    page = journey.page
    journey.login("committee.binjiang@demo.gongzhi.cn", totp_secret=DEMO_TOTP_SECRET)
    open_the_vote(journey)
    page.locator("main a[href$='/paper/']").first.click()
    page.wait_for_load_state()
    journey.step("paper ballot form")
    party_label = journey.server.shell(NOT_VOTED).splitlines()[-1]
    page.select_option("select[name=party]", label=party_label)
    page.locator("input[name=choice][value=oppose]").check()
    page.set_input_files(
        "input[name=scan]", {"name": "纸质选票.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    journey.step("paper ballot entered")
    message = page.locator(".messages").inner_text()
    assert party_label in message and RECEIPT.search(message), message
    # An owner who voted online cannot also vote on paper: one ballot across all channels.
    page.select_option(
        "select[name=party]", label=journey.server.shell(VOTED_ONLINE).splitlines()[-1]
    )
    page.locator("input[name=choice][value=agree]").check()
    page.set_input_files(
        "input[name=scan]", {"name": "纸质选票.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    journey.step("paper ballot of an online voter refused")
    expect(page.locator("main .errorlist")).to_contain_text("只能投一票")
    assert not journey.broken, journey.broken
