"""Error pages (issue 15): 400, 403, 404, 500 and a CSRF failure are themed, in the visitor's
language, with a way back; the 500 page renders when the database is what failed."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from tests.factories import make_user

HOME_LINK = '<a class="button" href="/">'


def _chinese(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def _english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.django_db
def test_404_is_themed_translated_with_a_way_back(client, home_page):
    response = _chinese(client).get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-hans">' in html and "gz-header" in html and "gz-nav" in html
    assert "找不到这个页面" in html and "返回首页" in html and HOME_LINK in html
    assert "Not Found" not in html

    html = _english(client).get("/no-such-page/").content.decode()
    assert '<html lang="en">' in html
    assert "We cannot find this page" in html and "Back to the home page" in html


@pytest.mark.django_db
def test_404_in_the_care_theme(client, home_page):
    client.cookies["gongzhi_theme"] = "care"
    html = client.get("/no-such-page/").content.decode()
    assert "care/css/care.css" in html and "theme-care" in html
    assert 'name="theme" value="default"' in html  # the way back to the standard version


@pytest.mark.django_db
def test_403_is_themed_translated_with_a_way_back(client, home_page):
    """A resident opening the property company's dashboard is refused on a page of the portal,
    not a bare "403 Forbidden"."""
    client.force_login(make_user("王芳"))
    response = _chinese(client).get("/dashboard/company/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "gz-header" in html and "您无权打开这个页面" in html and HOME_LINK in html
    assert "Forbidden" not in html

    html = _english(client).get("/dashboard/company/").content.decode()
    assert "You may not open this page" in html and "Back to the home page" in html


@pytest.mark.django_db
def test_csrf_failure_is_translated_and_leads_back_to_the_form(home_page):
    client = _chinese(Client(enforce_csrf_checks=True))
    response = client.post("/theme/", {"theme": "care"}, HTTP_REFERER="http://testserver/notices/")
    html = response.content.decode()
    assert response.status_code == 403
    assert (
        "表单已失效" in html and "返回表单" in html and 'href="http://testserver/notices/"' in html
    )
    assert "CSRF verification failed" not in html and "gz-header" in html


@pytest.mark.django_db
def test_csrf_failure_never_links_to_another_site(home_page):
    client = Client(enforce_csrf_checks=True)
    html = client.post("/theme/", {}, HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in html and HOME_LINK in html


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["testserver"])
def test_400_is_themed_and_translated():
    """A request for a host the portal does not serve (DisallowedHost) gets the bare frame."""
    response = _chinese(Client()).get("/", HTTP_HOST="evil.example")
    html = response.content.decode()
    assert response.status_code == 400
    assert "gz-header" in html and "无法处理这个请求" in html and HOME_LINK in html
    assert "Bad Request" not in html

    html = _english(Client()).get("/", HTTP_HOST="evil.example").content.decode()
    assert "The portal could not understand this request" in html


def test_500_renders_without_the_database():
    """No database access is allowed in this test (no django_db mark): the home page fails on
    its first query, and the error page must still come out, themed and in Chinese."""
    cache.clear()  # the home page must not come from the page cache of an earlier test
    client = _chinese(Client(raise_request_exception=False))
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="zh-hans">' in html and "gz-header" in html
    assert "系统出现错误" in html and HOME_LINK in html
    assert "Server Error" not in html and "{#" not in html and "{%" not in html


def test_500_in_english_and_in_the_care_theme():
    cache.clear()
    client = _english(Client(raise_request_exception=False))
    client.cookies["gongzhi_theme"] = "care"
    html = client.get("/").content.decode()
    assert "Something went wrong on our side" in html
    assert "care/css/care.css" in html and "theme-care" in html
