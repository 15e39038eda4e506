"""An owner's way in: a new resident claims their unit and the owners' committee verifies it."""

import json
import re

import pytest
from playwright.sync_api import expect

from portal.core.demo import DEMO_TOTP_SECRET

pytestmark = pytest.mark.e2e

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
# A registry person of 滨江花园 holding exactly one unit alone, with no account yet.
FIND_PERSON = """
import json
from property.registry.models import OwnerClaim, Person
for person in Person.objects.filter(user__isnull=True, parties__estate__code="binjiang").order_by("pk"):
    parties = list(person.parties.all())
    if len(parties) != 1 or parties[0].members.count() != 1:
        continue
    units = [o.unit.code for o in parties[0].ownerships.filter(end__isnull=True)]
    if len(units) == 1 and not OwnerClaim.objects.filter(units__code=units[0], estate__code="binjiang").exists():
        print(json.dumps({"name": person.name, "id": person.identity_number(), "unit": units[0]}))
        break
"""


def test_resident_claims_a_unit_and_committee_verifies(journey, new_journey):
    """Registry rules: a resident claims units with name, identity number and proof; the
    estate's owners' committee sees whether it matches the registry and verifies it; the
    resident then sees the unit under "My property"."""
    me = json.loads(journey.server.shell(FIND_PERSON).splitlines()[-1])
    page = journey.page
    journey.signup_with_phone("13955507777", "Lantern-Harbour-2026")
    journey.goto("/my/")
    journey.step("my property, not verified yet")
    expect(page.locator("main .badge.warn")).to_be_visible()
    page.locator("main a[href='/my/claims/new/']").first.click()
    page.wait_for_load_state()
    page.select_option("select[name=estate]", label="滨江花园")
    page.fill("input[name=unit_codes]", me["unit"])
    page.fill("input[name=name]", me["name"])
    page.fill("input[name=identity_number]", me["id"])
    page.set_input_files(
        "input[name=proof]", {"name": "产权证.png", "mimeType": "image/png", "buffer": PNG}
    )
    journey.step("claim filled in")
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    journey.step("claim submitted")
    expect(page.locator(".messages")).to_be_visible()
    row = page.locator("main table tbody tr", has_text=me["unit"])
    expect(row).to_contain_text("滨江花园")

    committee = new_journey("committee")
    committee.login("committee.binjiang@demo.gongzhi.cn", totp_secret=DEMO_TOTP_SECRET)
    committee.goto("/my/estates/binjiang/claims/")
    committee.step("claim queue")
    claim_row = committee.page.locator("main table tbody tr", has_text=me["unit"]).filter(
        has_text=me["name"]
    )
    expect(claim_row.locator(".badge.ok")).to_be_visible()  # matches the registry
    expect(claim_row).not_to_contain_text(me["id"])  # identity numbers shown masked only
    claim_row.get_by_role("link").last.click()
    committee.page.wait_for_load_state()
    committee.step("claim review")
    expect(committee.page.locator("main")).to_contain_text(me["name"])
    committee.page.locator("main form:has(input[name=action][value=verify]) [type=submit]").click()
    committee.page.wait_for_load_state()
    committee.step("verified")
    expect(committee.page.locator(".messages")).to_be_visible()

    journey.goto("/my/")
    journey.step("my property, verified")
    units = page.get_by_role("table", name="我的房屋")
    expect(units).to_contain_text(me["unit"])
    expect(units).to_contain_text("滨江花园")
    assert not journey.broken and not committee.broken, journey.broken + committee.broken
    assert re.fullmatch(r"\d{17}[\dX]", me["id"])
