"""The anonymous page cache: hits carry the visitor's own CSRF token, publications show at once,
signed-in visitors are never served a cached page."""

import re

import pytest
from django.test import Client

from tests.cms.factories import make_notice
from tests.factories import make_owner

pytestmark = pytest.mark.django_db


def test_anonymous_hit_with_working_csrf_token(site):
    """A cached page's forms work for the next visitor (CSRF token substituted per request)."""
    first = Client(enforce_csrf_checks=True)
    assert first.get("/notices/")["X-Page-Cache"] == "miss"
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get("/notices/")
    assert response["X-Page-Cache"] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]
    assert "__GONGZHI" not in response.content.decode()
    posted = visitor.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert posted.status_code == 302


def test_publication_invalidates(site, world):
    """A newly published notice appears on the cached home page immediately."""
    client = Client()
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    make_notice(site.notices, "新发布的通知", organisation=world.bureau)
    response = client.get("/")
    assert "新发布的通知" in response.content.decode()


def test_signed_in_visitors_bypass_cache(site, world):
    """Personalised pages (a signed-in owner's home) are never cached or served from cache."""
    Client().get("/")
    owner, _ = make_owner(world.estates[0])
    client = Client()
    client.force_login(owner)
    response = client.get("/")
    assert "X-Page-Cache" not in response
    assert world.estates[0].name in response.content.decode()
