"""A visitor (not signed in) makes the portal readable: care theme, then English."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def body_font_px(page) -> float:
    return float(page.evaluate("getComputedStyle(document.body).fontSize").removesuffix("px"))


def test_visitor_switches_to_care_theme_and_english(journey):
    """Themes and languages (UI rules): Chinese by default; one click gives the care version
    with larger type, another gives English; both choices stick across pages."""
    page = journey.page
    journey.goto("/")
    journey.step("home in Chinese")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="业主投票")).to_be_visible()
    standard_px = body_font_px(page)

    page.locator("button[name=theme][value=care]").click()
    page.wait_for_load_state()
    journey.step("care theme")
    expect(page.locator("body")).to_have_class(re.compile(r"\btheme-care\b"))
    assert body_font_px(page) > standard_px, "the care version should use larger type"
    # The switch now offers the way back to the standard version.
    expect(page.locator("button[name=theme][value=default]")).to_be_visible()

    page.locator("button[name=language][value=en]").click()
    page.wait_for_load_state()
    journey.step("care theme in English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav.get_by_role("link", name="Owner voting")).to_be_visible()
    expect(nav.get_by_role("link", name="Maintenance fund")).to_be_visible()
    expect(page.locator("button[name=theme][value=default]")).to_have_text("Standard version")
    expect(page.locator("body")).to_have_class(re.compile(r"\btheme-care\b"))

    # Both choices stick on the next page.
    journey.goto("/accounts/login/")
    journey.step("sign-in page keeps both")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("body")).to_have_class(re.compile(r"\btheme-care\b"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Sign in", re.I))
    assert not journey.broken, journey.broken
