"""Every main page as a person sees it (issue 15): layout, accessibility and language.

Each page of ``layout_pages.PAGES`` is opened in Chromium as the role that uses it, on a desktop
(1366×900) and a phone (390×844); the ten pages people open most also in the care theme and in
English. One test per page and variant; it fails with everything found on that page (see
``layout.py`` for the checks: HTTP and console errors, sideways overflow, overlapping or hidden
text, words squeezed a character a line, small targets, the other language, axe-core's serious
and critical findings). Screenshots and findings of every page and variant are kept under
``tests/e2e/screenshots/layout/`` (``index.html`` shows them side by side); the run prints the
folder and every failure names its screenshot.

Run alone: ``make layout``, or
``DJANGO_SETTINGS_MODULE=portal.settings.test .venv/bin/pytest tests/e2e/test_layout.py -q``.
The server is the journeys' (one demo database per test session, docs/e2e.md); the layout test
only reads: it signs in, opens pages, and stops at the ballot's confirmation page.
"""

from __future__ import annotations

import json
import os
import uuid

import pytest

from tests.e2e import layout
from tests.e2e.layout_pages import ACCOUNTS, PAGES

pytestmark = pytest.mark.e2e

# One id for the whole test run (shared by the xdist workers): the screenshots' folder is
# emptied once per run.
RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex

CASES = [
    pytest.param(page, variant, id=f"{page.name}.{page.role}.{variant.name}")
    for variant in layout.VARIANTS
    for page in PAGES
    if variant in layout.EVERY_PAGE or page.top
]


@pytest.fixture(scope="module")
def run(browser, server, request):
    assert layout.AXE.exists(), f"{layout.AXE} is missing: `make vendor` (npm ci) installs it"
    layout.fresh_folder(RUN_ID)
    refs = json.loads(
        server.shell("from tests.e2e.layout_pages import refs; refs()").splitlines()[-1]
    )
    corpus = server.workdir / "stored-text.json"
    server.shell(f"from tests.e2e.layout_corpus import dump; dump({str(corpus)!r})")
    stored = layout.Stored(json.loads(corpus.read_text(encoding="utf-8")))
    checks = layout.Run(browser, server.url, refs=refs, stored=stored, accounts=ACCOUNTS)
    yield checks
    checks.close()
    index = layout.write_index()
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nlayout screenshots and findings: {index}")  # noqa: T201


@pytest.mark.parametrize(("entry", "variant"), CASES)
def test_page(run, entry, variant):
    found = run.check(entry, variant)
    if found.faults():
        pytest.fail(found.report(), pytrace=False)


def test_every_top_page_is_in_the_table():
    """The ten pages people open most are marked, and every role of the issue has pages."""
    assert sum(page.top for page in PAGES) == 10
    assert {page.role for page in PAGES} == set(ACCOUNTS)
    names = [f"{page.name}.{page.role}" for page in PAGES]
    assert len(names) == len(set(names)), "two pages of the table share a name"
