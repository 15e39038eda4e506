"""From the workbench alone, every page a role may use is within three clicks (issue 16).

Each demo role of the permission matrix signs in, opens its workbench and follows only
``<a href>`` links, breadth first: the pages one, two and three clicks away are "reached". Every
GET page the matrix allows the role is compared, by URL name, with what was reached. A link to a
file (a PDF, an export) counts as reaching it without downloading it. Pages that are not meant
to be navigated to are listed in ``NOT_NAVIGATED`` with the reason.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from tests.security.matrix import (
    ANON,
    CITY,
    COMMITTEE,
    COMPANY,
    DISTRICT,
    OWNER,
    ROLES,
    STREET,
    collect,
    portal_patterns,
)
from tests.security.visit import client_for

DEPTH = 3
# Pages fetched per URL name and role: the tenth ledger links where the first does.
EXPAND_PER_NAME = 6
# Links never followed: the admin (its own navigation), signing out, files.
NOT_FOLLOWED = re.compile(r"^/(admin|django-admin|accounts/logout|static|media|documents)/")
FILES = re.compile(r"\.(pdf|csv|xlsx|json|xml)$|/(export|evidence|document|scan|attachments?)/")

# URL names that are not reached by navigating, with the reason (all roles).
NOT_NAVIGATED = {
    # Programs, not people, open these.
    "javascript-catalog": "the JavaScript catalogue, loaded by pages",
    "favicon": "the site icon, fetched by browsers",
    "web_manifest": "the web app manifest, fetched by browsers",
    "service_worker": "the service worker, registered by every page's script",
    "offline": "the offline page, kept by the service worker",
    "pdf_signing_cert": "the PDF-signing certificate, fetched by PDF verifiers",
    "board_signing_key": "the board's public key, fetched by the verifier",
    "cms:notice_feed": "a feed for feed readers",
    "cms:notice_feed_atom": "a feed for feed readers",
    "cms:sitemap": "the sitemap for search engines (linked in the footer)",
    "registry:claim_unit_codes": "the unit list the claim form fetches as you type",
    "voting:paper_search": "the parties the paper-ballot page fetches as you type",
    "dashboards:landing": "a redirect to one's own dashboard, which the workbench links directly",
    # Sign-in and account steps: reached by signing in, not from the workbench.
    "account_login": "sign-in (a signed-in person is sent on)",
    "account_signup": "sign-up (a signed-in person is sent on)",
    "wagtailadmin_login": "hands over to the sign-in",
    "wagtailcore_login": "hands over to the sign-in",
    "admin:login": "hands over to the sign-in",
    "account_reauthenticate": "asked for by the account pages before a sensitive change",
    "mfa_reauthenticate": "asked for by the account pages before a sensitive change",
    # Reached from a message, or only once something happened.
    "registry:dispute_link": "the link sent to the registry's contact by SMS or email",
    "registry:import_job": "where starting a registry import leads",
    "registry:dispute_claim": "only for a co-owner of a verified account's units",
    "voting:object": "only during a result's publicity period (the demo has none at load)",
    "voting:ballot_dispute": "only for a paper or proxy ballot entered for one's own party",
    "fund:attachment": "only for a request with attachments (none in 滨江花园's demo)",
    "voting:paper_scan": "linked on the paper-ballot entry of a party that has one (after a search)",
    "wagtail_serve": "the page tree, served under the name cms:page (same view, reached)",
    "account_confirm_email": "the link in the address-confirmation email",
    "account_reset_password_from_key": "the link in the password-reset email",
}
# An owner's own overview (units, votes, ledgers): staff without units have nothing there.
STAFF_OVERVIEW = {
    "dashboards:me": "an owner's overview; the owner's workbench links it",
}
# Reached only when the demo holds the object, per role.
NOT_NAVIGATED_FOR = {
    COMMITTEE: STAFF_OVERVIEW,
    COMPANY: {
        **STAFF_OVERVIEW,
        "credit:objection_evidence": "the company's own upload, linked on the bureau's ruling page",
    },
    STREET: {
        **STAFF_OVERVIEW,
        "registry:dispute_review": "only when a verification is disputed (none in the demo)",
        "registry:claim_review": "the verifier of last resort: from the estate's registry page",
        "registry:claim_proof": "the verifier of last resort: from a claim it reviews",
        "credit:record_evidence": "linked from the record's pages of the company and the bureau",
    },
    DISTRICT: STAFF_OVERVIEW,
    CITY: STAFF_OVERVIEW,
}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue  # other sites, mailto:, #anchors
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def name_of(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client) -> dict[str, int]:
    """URL name -> the fewest clicks from the workbench that reach it."""
    reached: dict[str, int] = {"workbench:home": 0}
    expanded: dict[str, int] = defaultdict(int)
    seen = {"/workbench/"}
    queue = deque([("/workbench/", 0)])
    while queue:
        path, depth = queue.popleft()
        name = name_of(path) or path
        if depth and expanded[name] >= EXPAND_PER_NAME:
            continue
        expanded[name] += 1
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in links(response.content.decode()):
            if NOT_FOLLOWED.match(link):
                continue
            target = name_of(link)
            if target is None:
                continue
            if target not in reached or reached[target] > depth + 1:
                reached[target] = min(reached.get(target, DEPTH + 1), depth + 1)
            if link in seen or depth + 1 >= DEPTH or FILES.search(urlsplit(link).path):
                continue
            seen.add(link)
            queue.append((link, depth + 1))
    return reached


def expected(role: str) -> set[str]:
    patterns = portal_patterns()
    skip = {**NOT_NAVIGATED, **NOT_NAVIGATED_FOR.get(role, {})}
    return {
        key
        for key, (_module, entry) in collect().items()
        if key in patterns
        and entry.allows(role)
        and entry.method == "get"
        and not entry.skip
        and not entry.statuses
        and key not in skip
        and not key.startswith("api:")  # the open-data API: for programs (docs in the footer)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ROLES if r != ANON])
def test_every_page_of_the_role_is_within_three_clicks_of_the_workbench(demo, role):
    """Issue 16: a new user finds every page their role may use from the workbench alone."""
    reached = crawl(client_for(demo, role))
    missing = sorted(expected(role) - {k for k, d in reached.items() if d <= DEPTH})
    assert not missing, f"{role} cannot reach from the workbench within {DEPTH} clicks: {missing}"


def test_the_exclusions_name_real_pages():
    """An exclusion naming no URL pattern is stale."""
    patterns = portal_patterns()
    stale = [k for k in NOT_NAVIGATED if k not in patterns]
    stale += [k for role in NOT_NAVIGATED_FOR.values() for k in role if k not in patterns]
    assert not stale, stale


def test_owner_reaches_their_receipts_and_ledgers(demo):
    """The pages an owner most needs are one or two clicks away, not three."""
    reached = crawl(client_for(demo, OWNER))
    assert reached["voting:cast"] == 1
    assert reached["fund:ledger"] == 1
    assert reached["dashboards:me"] == 1
