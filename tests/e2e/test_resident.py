"""A resident signs up with a mobile number, confirms it by SMS code, and signs in again."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PASSWORD = "Lantern-Harbour-2026"


def test_resident_signs_up_with_phone_and_signs_in(journey):
    """Sign-up needs a mobile number verified by an SMS code (accounts rules); afterwards the
    resident signs in with the number alone (typed without +86) and sees their name."""
    page, server = journey.page, journey.server
    phone = "13955501234"
    journey.goto("/accounts/signup/")
    journey.step("sign-up form")
    page.fill("input[name=phone]", phone)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    journey.step("asked for the SMS code")
    expect(page.locator("input[name=code]")).to_be_visible()

    code = server.last_code("+86" + phone)
    page.fill("input[name=code]", code)
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    journey.step("phone confirmed")
    expect(page.get_by_role("link", name="退出")).to_be_visible()
    assert (
        server.shell(
            "from portal.accounts.models import User; "
            f"print(User.objects.get(phone='+86{phone}').phone_verified)"
        )
        == "True"
    )

    journey.logout()
    journey.step("signed out")
    expect(page.get_by_role("link", name="登录")).to_be_visible()

    journey.login(phone, PASSWORD)
    journey.step("signed in again")
    # A phone-only account is named by its masked number (others may see the header too).
    expect(page.locator(".gz-who")).to_contain_text("139****1234")
    main_nav = page.get_by_role("navigation", name="主导航")
    expect(main_nav.get_by_role("link", name="我的房产")).to_be_visible()


def test_wrong_sms_code_is_refused(journey):
    """A wrong SMS code does not verify the number; the page says so in Chinese."""
    page = journey.page
    journey.goto("/accounts/signup/")
    page.fill("input[name=phone]", "13955509876")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    page.fill("input[name=code]", "000000")
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    journey.step("wrong code")
    expect(page.locator("input[name=code]")).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile("[\u4e00-\u9fff]"))
    assert (
        journey.server.shell(
            "from portal.accounts.models import User; "
            "print(User.objects.get(phone='+8613955509876').phone_verified)"
        )
        == "False"
    )
