"""A visitor, not signed in, finds a counted vote's result, its public board and the receipt
checker from the home page, by clicking only (issue 16: public paths to every public thing)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

ESTATE = "滨江花园"
FINAL_VOTE = "使用维修资金更换3号楼电梯"  # the demo's final vote in 滨江花园 (voting/demo.py)
OPEN_VOTE = "更换小区物业服务企业"


def test_visitor_reaches_result_board_and_receipt_checker(journey):
    page = journey.page
    journey.goto("/")
    journey.step("home")
    main = page.locator("main")
    expect(main.get_by_role("link", name="核验我的回执")).to_be_visible()

    # The header's "Owner voting" leads a visitor to the public index, not to the sign-in page.
    page.get_by_role("navigation").get_by_role("link", name="业主投票").click()
    page.wait_for_load_state()
    journey.step("public index of votes")
    assert "/accounts/login" not in page.url
    main.get_by_role("link", name=ESTATE).click()
    page.wait_for_load_state()
    journey.step("votes of the estate")
    expect(page.get_by_role("heading", level=1)).to_contain_text(ESTATE)
    # The open vote is listed with its status, and no result.
    open_card = main.locator("section", has_text=OPEN_VOTE)
    expect(open_card.get_by_role("link", name="表决结果", exact=True)).to_have_count(0)

    final_card = main.locator("section", has_text=FINAL_VOTE)
    final_card.get_by_role("link", name="表决结果", exact=True).click()
    page.wait_for_load_state()
    journey.step("public result")
    expect(page.get_by_role("heading", level=1)).to_contain_text(FINAL_VOTE)
    expect(main.locator("table").first).to_be_visible()

    main.get_by_role("link", name="公开投票公告板", exact=True).click()
    page.wait_for_load_state()
    journey.step("public board")
    expect(page).to_have_url(re.compile(r"/votes/\d+/board/$"))
    main.get_by_role("link", name="核验我的回执").first.click()
    page.wait_for_load_state()
    journey.step("receipt checker")
    expect(page).to_have_url(re.compile(r"/votes/receipt/\?vote=\d+"))
    expect(page.locator("input[name=code]")).to_be_visible()
    assert not journey.broken, journey.broken
