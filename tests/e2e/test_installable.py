"""Installable on a phone (issue 17): in a real browser the service worker registers, keeps the
app shell, and with no network shows the offline page in the person's language and theme, while
no page that was served to the person is kept."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_owner_goes_offline_and_sees_the_offline_page_not_their_data(journey):
    page = journey.page
    journey.login("owner1.binjiang@demo.gongzhi.cn")
    journey.goto("/workbench/")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
    # The worker takes control of the page after its first load; reload once under it.
    journey.goto("/workbench/")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    name = page.locator("h1").inner_text()

    kept = page.evaluate(
        """async () => {
            const urls = [];
            for (const key of await caches.keys()) {
                const cache = await caches.open(key);
                for (const request of await cache.keys()) urls.push(new URL(request.url).pathname + new URL(request.url).search);
            }
            return urls;
        }"""
    )
    assert kept, "the worker kept nothing"
    assert all(url.startswith(("/static/", "/offline/")) for url in kept), kept
    assert not any(url.startswith("/workbench") for url in kept)

    # Care theme in English, then no network.
    page.locator("button[name=theme][value=care]").click()
    page.wait_for_load_state()
    page.locator("button[name=language][value=en]").click()
    page.wait_for_load_state()
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    # js/portal.js tells the worker this page's language and theme once the worker is ready.
    page.evaluate("navigator.serviceWorker.ready.then(() => new Promise(r => setTimeout(r, 300)))")
    page.context.set_offline(True)
    try:
        journey.goto("/votes/")
        journey.step("offline page")
        expect(page.get_by_role("heading", level=1)).to_have_text("No connection to Gongzhi")
        expect(page.locator("body")).to_have_class(re.compile(r"\btheme-care\b"))
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert name not in page.content()
        expect(page.get_by_role("link", name="Try again")).to_be_visible()
    finally:
        page.context.set_offline(False)
    page.get_by_role("link", name="Try again").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("No connection to Gongzhi")
