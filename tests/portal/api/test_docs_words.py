"""The API docs page in the reader's language, served from the portal alone (issue 15: an
English title and description on the Chinese portal)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _get(client, url, language):
    client.cookies["django_language"] = language
    return client.get(url)


def test_docs_page_title_and_language_follow_the_reader(client):
    page = _get(client, "/api/docs/", "zh-hans").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "<title>共治开放数据接口</title>" in page
    english = _get(client, "/api/docs/", "en").content.decode()
    assert '<html lang="en">' in english and "<title>Gongzhi open data API</title>" in english


def test_docs_page_loads_nothing_from_elsewhere(client):
    """Swagger UI from the portal's static files; no validator badge fetched from
    validator.swagger.io (blocked on the mainland and by the Content-Security-Policy)."""
    page = _get(client, "/api/docs/", "zh-hans").content.decode()
    assert not re.findall(r"""(?:src|href)=["']https?://""", page)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    script = _get(client, "/api/docs/?script=", "zh-hans").content.decode()
    assert re.search(r'"validatorUrl":\s*null', script)


@pytest.mark.parametrize(
    "language, title, description",
    [
        ("zh-hans", "共治开放数据接口", "共治物业管理平台"),
        ("en", "Gongzhi open data API", "property governance portal"),
    ],
)
def test_schema_title_and_description_in_the_readers_language(client, language, title, description):
    info = _get(client, "/api/schema/?format=json", language).json()["info"]
    assert info["title"] == title
    assert description in info["description"]
    assert _get(client, "/api/schema/", language).status_code == 200  # YAML too
