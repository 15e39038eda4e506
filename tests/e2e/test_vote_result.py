"""An owner's whole vote: from the home page to the cast ballot, then the result after close.

The vote is 滨江花园's scheduled demo vote, which no other journey touches (they cast in the open
vote 更换小区物业服务企业). The worker's steps at the vote's opening and closing times are run
through the server's shell for this vote only: they stand for the passage of time.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal.core.templatetags.numbers import format_area, format_count
from tests.e2e.steps import cast_on_the_form

pytestmark = pytest.mark.e2e

ESTATE = "滨江花园"
VOTE = "修订业主大会议事规则"  # the demo's scheduled vote in 滨江花园 (voting/demo.py)
OWNER = "owner2.binjiang@demo.gongzhi.cn"  # owns several units of 滨江花园 (one owner party)
HEADS = re.compile(r"([\d,]+)/([\d,]+)\s*人")
AREA = re.compile(r"([\d,]+\.\d\d)/([\d,]+\.\d\d)\s*m²")

_GET_VOTE = f"""
from voting.models import Vote
v = Vote.objects.get(title="{VOTE}", estate__code="binjiang")
"""
# What the worker (voting.tasks.advance_votes) does at the vote's opening time, for this vote
# only: the passage of time until opens_at.
OPEN_AT_ITS_TIME = (
    _GET_VOTE
    + """
from voting import services
services.vote_open(vote=v, now=v.opens_at, notify=False)
print(Vote.objects.get(pk=v.pk).status)
"""
)
# What happens at the vote's closing time, for this vote only and in its order: the worker
# closes and signs the closing tree head; two of the vote's three trustees open their shares
# with the key files the demo made for them (the count runs with the second); the worker
# publicises (the passage of time until closes_at).
CLOSE_AT_ITS_TIME = (
    _GET_VOTE
    + """
from voting import board, services, trustee_services
from voting.demo import DEMO_TRUSTEE_PASSPHRASE, trustee_key_dir
now = v.closes_at
services.vote_close(vote=v, now=now)
board.board_head_sign(vote=v, now=now)
for t in v.trustees.order_by("number")[: v.trustee_threshold]:
    key_file = next(trustee_key_dir().glob(f"vote-{v.pk}-trustee-{t.number}-*.key.json"))
    trustee_services.trustee_open(actor=t.user, trustee=t, key_file=key_file.read_bytes(),
                                  passphrase=DEMO_TRUSTEE_PASSPHRASE, now=now)
services.vote_publicise(vote=v, now=now, notify=False)
print(Vote.objects.get(pk=v.pk).status)
"""
)


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def read_turnout(page) -> tuple[int, int, Decimal, Decimal]:
    """(heads, total heads, area, total area) as the vote page words them."""
    text = page.locator("section[aria-labelledby=turnout-h]").inner_text()
    heads, area = HEADS.search(text), AREA.search(text)
    assert heads and area, f"no turnout figures in {text!r}"
    return (
        int(_number(heads.group(1))),
        int(_number(heads.group(2))),
        _number(area.group(1)),
        _number(area.group(2)),
    )


def my_area_in_estate(journey) -> Decimal:
    """The floor area of the owner's units in the estate, as "My property" lists them."""
    page = journey.page
    page.locator("header").get_by_role("link", name="我的房产").click()
    page.wait_for_load_state()
    journey.step("my property")
    units = page.locator("main table", has=page.locator("caption", has_text="我的房屋"))
    rows = units.locator("tbody tr", has_text=ESTATE)
    assert rows.count() >= 1, "no unit of the estate under My property"
    total = Decimal(0)
    for i in range(rows.count()):
        total += _number(rows.nth(i).locator("td.num").inner_text())
    return total


def test_owner_votes_from_the_home_page_and_reads_the_result(journey):
    """An owner finds the open vote on the home page, casts, sees turnout move by their party
    (one head, its area), and after close reads the result in plain words."""
    page = journey.page
    assert journey.server.shell(OPEN_AT_ITS_TIME).splitlines()[-1] == "open"

    journey.login(OWNER)
    area_mine = my_area_in_estate(journey)

    # The home page lists the open votes of the owner's estate.
    journey.goto("/")
    journey.step("home page")
    mine = page.locator("main section.mine", has_text=f"您的小区：{ESTATE}")
    open_now = mine.locator("h3:has-text('正在表决') + ul")
    expect(open_now.get_by_role("link", name=VOTE)).to_have_count(1)
    open_now.get_by_role("link", name=VOTE).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text(VOTE)
    journey.step("vote page before casting")
    heads, total_heads, area, total_area = read_turnout(page)
    assert (heads, area) == (0, 0), "nobody can have voted in a vote that just opened"

    # Cast: choose, confirm, receipt.
    page.get_by_role("link", name="我要投票").click()
    page.wait_for_load_state()
    receipt = cast_on_the_form(journey, "agree")

    # Back on the vote page: one more head, and the party's area.
    page.locator("main").get_by_role("link", name=VOTE).first.click()
    page.wait_for_load_state()
    journey.step("vote page after casting")
    expect(page.locator("main")).to_contain_text(receipt)
    heads_after, total_heads_after, area_after, total_area_after = read_turnout(page)
    assert (total_heads_after, total_area_after) == (total_heads, total_area)
    assert heads_after == heads + 1
    assert area_after == area + area_mine, (area, area_after, area_mine)

    assert journey.server.shell(CLOSE_AT_ITS_TIME).splitlines()[-1] == "publicised"

    # The result, through the links on the vote page.
    page.reload()
    journey.step("vote page after close")
    page.get_by_role("link", name="查看表决结果及数据").click()
    page.wait_for_load_state()
    journey.step("result")
    expect(page.get_by_role("heading", level=1)).to_contain_text(VOTE)
    # One ballot among many owners: far below the 2/3 participation, so the vote is invalid.
    assert 3 * heads_after < 2 * total_heads
    expect(page.locator("main p.figure")).to_have_text("无效（参与不足）")
    lines = page.locator("main table").first

    def line(label):
        """The row of the figure labelled exactly ``label``."""
        return lines.locator("tbody tr").filter(
            has=page.locator("th", has_text=re.compile(f"^{re.escape(label)}$"))
        )

    participating = line("参与表决人数")
    expect(participating).to_contain_text(
        f"{format_count(heads_after)}/{format_count(total_heads)}"
    )
    expect(participating).to_contain_text("≥ 2/3")
    expect(participating).to_contain_text("✗")
    participating_area = line("参与表决面积")
    expect(participating_area).to_contain_text(
        f"{format_area(area_after, 'plain')}/{format_area(total_area)}"
    )
    expect(participating_area).to_contain_text("✗")
    # Everyone who took part agreed (this owner is the only one who voted in this vote).
    agreeing = line("同意人数（占参与表决人数）")
    expect(agreeing).to_contain_text(f"{format_count(heads_after)}/{format_count(heads_after)}")
    expect(agreeing).to_contain_text("> 1/2")
    expect(agreeing).to_contain_text("✓")
    agreeing_area = line("同意面积（占参与表决面积）")
    expect(agreeing_area).to_contain_text(
        f"{format_area(area_after, 'plain')}/{format_area(area_after)}"
    )
    expect(agreeing_area).to_contain_text("✓")
    assert not journey.broken, journey.broken
