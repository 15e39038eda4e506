"""A new owner as a new user would go: from the home page, sign up with a phone number, claim
the unit with the identity and certificate numbers, verified at once, and vote to the receipt.

The page loads (main-frame navigations, a redirect after a form counting once) from the home
page to the receipt are counted; README ("Demo") states the figure.
"""

import pytest
from playwright.sync_api import expect

from property.registry.demo import JOURNEY_CERTIFICATE, JOURNEY_IDENTITY, JOURNEY_NAME
from tests.e2e.steps import cast_on_the_form

pytestmark = pytest.mark.e2e

PAGE_LOADS = 9  # as stated in README.md, "Demo"
OPEN_VOTE = "更换小区物业服务企业"  # the demo's open vote in 滨江花园
JOURNEY_UNIT = """
from portal.core.crypto import keyed_hash
from property.registry.models import Ownership
o = Ownership.objects.get(end__isnull=True, party__members__identity_hash=keyed_hash("{id}"))
print(o.unit.code)
"""


def test_new_owner_verified_at_once_votes_within_the_stated_page_loads(journey):
    unit = journey.server.shell(JOURNEY_UNIT.format(id=JOURNEY_IDENTITY)).splitlines()[-1]
    page = journey.page
    loads: list[str] = []
    page.on("framenavigated", lambda f: loads.append(f.url) if f == page.main_frame else None)

    journey.goto("/")
    journey.step("home page")
    page.locator("header a[href='/accounts/signup/']").first.click()
    page.wait_for_load_state()
    phone = "13955508888"
    page.fill("input[name=phone]", phone)
    page.fill("input[name=password1]", "Willow-Ferry-2026")
    page.fill("input[name=password2]", "Willow-Ferry-2026")
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    journey.step("SMS code asked")
    page.fill("input[name=code]", journey.server.last_code("+86" + phone))
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    journey.step("workbench of a new user")

    page.locator("main a[href='/my/claims/new/']").first.click()
    page.wait_for_load_state()
    page.select_option("select[name=estate]", label="滨江花园")
    page.fill("input[name=unit_codes]", unit)
    page.fill("input[name=name]", JOURNEY_NAME)
    page.fill("input[name=identity_number]", JOURNEY_IDENTITY)
    page.fill("input[name=certificate_number]", JOURNEY_CERTIFICATE)
    journey.step("claim with the certificate number, no photo")
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    journey.step("verified at once")
    expect(page.locator(".messages")).to_contain_text("当即确认")
    expect(page.locator("main")).to_contain_text(unit)

    vote = page.locator("main li, main tr, main .card", has_text=OPEN_VOTE)
    vote.locator("a[href$='/cast/']").first.click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(OPEN_VOTE)  # the cast form of that vote
    receipt = cast_on_the_form(journey, "agree")

    assert receipt
    assert not journey.broken, journey.broken
    assert len(loads) <= PAGE_LOADS, loads
    print(f"\npage loads from the home page to the receipt: {len(loads)}")  # noqa: T201
