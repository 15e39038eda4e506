"""Every page the matrix can open: CSRF token in every POST form, CSP header, no inline script.

Rules: Django's CsrfViewMiddleware protects every form (each POST form carries the token);
the Content-Security-Policy (django-csp, script-src 'self') is sent with every page, and no
page contains inline script code or event-handler attributes that the policy would block.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.security.html import scan
from tests.security.matrix import ROLES, collect, portal_patterns
from tests.security.visit import visit

ENTRIES = collect()
PATTERNS = portal_patterns()
PAGES = [
    pytest.param(key, id=key)
    for key, (_m, entry) in sorted(ENTRIES.items())
    if not entry.skip and entry.method == "get" and key in PATTERNS
]
# Pages reached only through forms of other pages (sign-in, sign-up): checked directly too.
ACCOUNT_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]


def check_page(url, response, problems):
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return False
    page = scan(response.content.decode())
    for form in page.forms:
        if form.method == "post" and "csrfmiddlewaretoken" not in form.inputs:
            problems.append(f"{url}: POST form to {form.action!r} has no csrfmiddlewaretoken")
    csp = response.get("Content-Security-Policy", "")
    if "script-src 'self'" not in csp:
        problems.append(f"{url}: no Content-Security-Policy with script-src 'self' ({csp!r})")
    if "unsafe-inline" in csp.split("script-src", 1)[-1].split(";", 1)[0]:
        problems.append(f"{url}: script-src allows unsafe-inline")
    problems += [f"{url}: inline script {s!r}" for s in page.inline_scripts]
    problems += [f"{url}: inline event handler {h}" for h in page.event_handlers]
    problems += [f"{url}: javascript: URL {h}" for h in page.javascript_urls]
    return True


@pytest.mark.django_db
@pytest.mark.parametrize("key", PAGES)
def test_page_forms_and_scripts(demo, key):
    """Each allowed role's view of the page passes the CSRF and CSP checks."""
    _m, entry = ENTRIES[key]
    problems, rendered = [], 0
    for role in ROLES:
        if entry.allows(role):
            url, response = visit(demo, key, entry, role)
            rendered += check_page(f"{url} as {role}", response, problems)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_account_pages(demo, url):
    """Sign-in, sign-up and password reset forms carry the token and the policy too."""
    problems = []
    assert check_page(url, Client().get(url), problems)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_csrf_enforced(demo):
    """A POST without the token is refused with 403 (CsrfViewMiddleware is on)."""
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_theme"), {"theme": "care", "next": "/"})
    assert response.status_code == 403
    response = client.post(
        reverse("account_login"), {"login": "owner1.binjiang@demo.gongzhi.cn", "password": "x"}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_csrf_token_round_trip(demo):
    """With the token from the page, the same POST succeeds."""
    client = Client(enforce_csrf_checks=True)
    client.get("/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        reverse("set_theme"), {"theme": "care", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
