"""Steps that several journeys take the same way."""

import re

from playwright.sync_api import expect

RECEIPT = re.compile(r"[0-9A-Z]{5}-[0-9A-Z]{5}")


def cast_on_the_form(journey, choice: str = "agree") -> str:
    """On the cast form: pick ``choice``, confirm it, and return the receipt code the page
    announces."""
    page = journey.page
    page.locator(f"input[name=choice][value={choice}]").check()
    journey.step("choice made")
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    journey.step("confirm")
    expect(page.get_by_role("heading", level=1)).to_contain_text("确认")
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    journey.step("receipt")
    message = page.locator(".messages").inner_text()
    receipt = RECEIPT.search(message)
    assert receipt, f"no receipt code in {message!r}"
    return receipt.group(0)
