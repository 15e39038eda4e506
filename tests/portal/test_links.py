"""Every absolute link the portal gives out starts with ``PORTAL_BASE_URL`` (issue 15: the
sitemap and every email link used ``http://127.0.0.1/``, the wrong host and port).

Each test asks as a client on another host would (``Host: evil.example``): a link built from
the request, or from Wagtail's ``Site`` record, shows up as a link elsewhere than the base.
"""

import re
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from portal.core.links import absolute_url, page_url

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://wuye.example.gov.cn"
HOST = "evil.example"
URL = re.compile(r"https?://[^\s<>\"')）]+")


@pytest.fixture(autouse=True)
def base(settings):
    settings.PORTAL_BASE_URL = BASE


def links(text: str) -> list[str]:
    return URL.findall(text)


def assert_on_base(found: list[str]) -> None:
    assert found, "no link at all"
    wrong = [u for u in found if not u.startswith(BASE + "/")]
    assert not wrong, wrong


def mail_links(messages) -> list[str]:
    return [u for m in messages for u in links(m.subject + "\n" + m.body)]


# ---- the helper ------------------------------------------------------------------------------


def test_absolute_url_puts_any_path_or_url_on_the_base():
    assert absolute_url("/votes/2/?page=3#top") == BASE + "/votes/2/?page=3#top"
    assert absolute_url("http://127.0.0.1/notices/") == BASE + "/notices/"
    assert absolute_url("votes/") == BASE + "/votes/"
    assert absolute_url() == BASE + "/"


def test_wagtail_links_use_the_same_base():
    """Wagtail's own links (workflow emails, "view live") come from the same setting."""
    from django.conf import settings

    from portal.settings import base

    assert base.WAGTAILADMIN_BASE_URL == base.PORTAL_BASE_URL
    assert settings.WAGTAILADMIN_BASE_URL == base.PORTAL_BASE_URL


# ---- emails of every app ---------------------------------------------------------------------


@pytest.mark.django_db
def test_vote_emails_link_to_the_base(world, django_capture_on_commit_callbacks):
    """Opening, reminder and result emails of a vote."""
    from tests.factories import add_units
    from tests.voting.factories import finish, link_user, open_vote, party
    from voting import tasks

    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "A"), ("1-102", "100.00", "B")])
    link_user(party(estate, "A"))
    vote = open_vote(estate, closes_at=timezone.now() + timedelta(hours=20))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.notify_owners(vote.pk, "opened")
        tasks.notify_owners(vote.pk, "reminder")
        finish(vote)
        tasks.notify_owners(vote.pk, "result")
    assert len(mail.outbox) >= 3  # (publicising also mails the result)
    assert_on_base(mail_links(mail.outbox))


@pytest.mark.django_db
def test_notice_email_links_to_the_base(world, django_capture_on_commit_callbacks):
    """The email to owners when a notice targeted at their estate goes live."""
    from cms.services import notify_notice_published
    from tests.cms.factories import make_notice, make_site
    from tests.factories import make_owner

    site = make_site(world)
    make_owner(world.estates[0])
    notice = make_notice(site.street_sections[0], "停水通知", jurisdiction=world.estate_nodes[0])
    mail.outbox.clear()
    type(notice).objects.filter(pk=notice.pk).update(notified_at=None)
    assert notify_notice_published(notice=notice) == 1
    assert_on_base(mail_links(mail.outbox))
    assert page_url(notice) in mail.outbox[0].body


@pytest.mark.django_db
def test_fund_emails_link_to_the_base(world, django_capture_on_commit_callbacks):
    """The reviewers' reminder of an emergency request and the owner's refill notice."""
    from property.fund import services
    from property.fund.models import FundAccount, Scope
    from property.fund.tasks import check_review_deadlines, send_refill_notices
    from property.registry.models import Building
    from tests.property.fund.factories import cast

    c = cast(world)
    with_now = timezone.make_aware(timezone.datetime(2025, 11, 3, 10))
    services.fund_request_submit(
        actor=c.company,
        estate=c.estate,
        title="1号楼电梯曳引机故障",
        description="电梯困人。",
        category="elevator",
        scope=Scope.BUILDING,
        building=Building.objects.get(estate=c.estate, code="1"),
        estimated_cost=Decimal("1000.00"),
        contractor="芜湖迅达电梯工程有限公司",
        now=with_now,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert check_review_deadlines(today=date(2025, 11, 5))["reminded"] == 1
        account = FundAccount.objects.get(unit=c.owner_unit)
        FundAccount.objects.filter(pk=account.pk).update(refill_due=True)
        assert send_refill_notices([account.pk]) == 1
    assert len(mail.outbox) >= 2
    assert_on_base(mail_links(mail.outbox))


@pytest.mark.django_db
def test_credit_record_email_links_to_the_base(world, django_capture_on_commit_callbacks):
    from tests.property.credit.factories import add_record, company_staff

    company_staff(world)
    with django_capture_on_commit_callbacks(execute=True):
        add_record(world)
    assert len(mail.outbox) == 1
    assert_on_base(mail_links(mail.outbox))


@pytest.mark.django_db
def test_account_emails_link_to_the_base_whatever_host_was_asked(client):
    """allauth's password-reset email: a request naming another host (a poisoned Host header)
    still gets a link to the portal, and the email names the portal's domain."""
    from tests.factories import make_user

    user = make_user(email="owner@example.cn")
    mail.outbox.clear()
    response = client.post(reverse("account_reset_password"), {"email": user.email}, HTTP_HOST=HOST)
    assert response.status_code in (200, 302)
    assert len(mail.outbox) == 1
    assert HOST not in mail.outbox[0].body
    assert_on_base(mail_links(mail.outbox))


# ---- sitemap, feeds, API, PDFs ---------------------------------------------------------------


@pytest.mark.django_db
def test_sitemap_locations_start_with_the_base(client, world):
    from tests.cms.factories import make_site

    make_site(world)
    body = client.get("/sitemap.xml", HTTP_HOST=HOST).content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", body)
    assert any(loc.endswith("/search/") for loc in locations)
    assert_on_base(locations)


@pytest.mark.django_db
def test_feeds_link_to_the_base(client, world):
    from tests.cms.factories import make_notice, make_site

    site = make_site(world)
    make_notice(site.street_sections[0], "停电通知", jurisdiction=world.estate_nodes[0])
    code = world.estate_nodes[0].code
    for name in ("cms:notice_feed", "cms:notice_feed_atom"):
        body = client.get(reverse(name, args=[code]), HTTP_HOST=HOST).content.decode()
        found = re.findall(r"<link>([^<]+)</link>", body) + re.findall(r'href="([^"]+)"', body)
        found += re.findall(r"<id>([^<]+)</id>", body) + re.findall(r"<guid[^>]*>([^<]+)<", body)
        assert "停电通知" in body
        assert_on_base([u for u in found if u.startswith("http") or HOST in u])


@pytest.mark.django_db
def test_api_links_start_with_the_base(client, world, settings):
    """The notices' ``url`` and the page links of a paginated list."""
    from portal.api.pagination import PortalPagination
    from tests.cms.factories import make_notice, make_site

    settings.OPEN_DATA_CACHE_SECONDS = 0
    site = make_site(world)
    make_notice(site.street_sections[0], "停气通知")
    rows = client.get("/api/v1/notices/", HTTP_HOST=HOST).json()["results"]
    assert_on_base([r["url"] for r in rows])

    from rest_framework.request import Request

    request = Request(RequestFactory().get("/api/v1/estates/?page=2", HTTP_HOST=HOST))
    paginator = PortalPagination()
    paginator.paginate_queryset(list(range(200)), request)
    assert_on_base([paginator.get_next_link(), paginator.get_previous_link()])


@pytest.mark.django_db
def test_credit_report_pdf_links_to_the_base(client, world):
    """The signed credit report prints (and encodes in its QR code) the company page's address."""
    company = world.companies[0]
    response = client.get(reverse("credit:report", args=[company.credit_code]), HTTP_HOST=HOST)
    assert response.status_code == 200
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert HOST not in text
    assert BASE + reverse("credit:company", args=[company.credit_code]) in text.replace("\n", "")


# ---- no other way to build an absolute link --------------------------------------------------

FORBIDDEN = re.compile(
    r"build_absolute_uri\(|get_full_url\(|settings\.BASE_URL|WAGTAILADMIN_BASE_URL\b(?! = )"
    r"|\{\{ *base_url *\}\}|https?://127\.0\.0\.1"
)
ALLOWED = {"portal/core/links.py", "portal/settings/base.py", "portal/settings/production.py"}


def test_no_code_or_template_builds_links_another_way():
    """Absolute links come only from ``portal.core.links``: no ``build_absolute_uri`` (the
    client's Host header), no ``get_full_url`` (Wagtail's Site record), no hard-coded host."""
    offenders = []
    for folder in ("portal", "cms", "voting", "property", "themes"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".html", ".txt") or "migrations" in path.parts:
                continue
            rel = str(path.relative_to(ROOT))
            if rel in ALLOWED:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if FORBIDDEN.search(line):
                    offenders.append(f"{rel}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


# ---- required in production ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, error",
    [
        ("", "portal.E001"),
        ("http://wuye.example.gov.cn", "portal.E002"),
        ("https://wuye.example.gov.cn/portal/", "portal.E003"),
        ("https://other.example.cn", "portal.E004"),
        ("https://127.0.0.1", "portal.E005"),
    ],
)
def test_deploy_check_refuses_a_wrong_base(settings, value, error):
    from portal.core.checks import check_portal_base_url

    settings.ALLOWED_HOSTS = ["wuye.example.gov.cn", "127.0.0.1"]
    settings.PORTAL_BASE_URL = value
    assert error in [e.id for e in check_portal_base_url()]


def test_deploy_check_accepts_the_real_address(settings):
    from portal.core.checks import check_portal_base_url

    settings.ALLOWED_HOSTS = [".example.gov.cn"]
    settings.PORTAL_BASE_URL = BASE
    assert check_portal_base_url() == []


def test_production_refuses_to_start_without_the_base():
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("PORTAL_BASE_URL", "DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="prod-" + "k" * 60,
        ALLOWED_HOSTS="portal.example.cn",
    )
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0 and "PORTAL_BASE_URL" in out.stderr
