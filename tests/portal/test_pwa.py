"""Installable on a phone (issue 17): the manifest, the service worker and its offline page.
The worker keeps the app shell only, never a page served to a person."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from portal.core import pwa
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _manifest(client, lang="zh-hans"):
    client.cookies["django_language"] = lang
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    return json.loads(response.content)


def test_manifest_makes_an_installable_app_in_the_visitors_language(client):
    data = _manifest(client)
    assert data["name"] == "共治：社区与物业治理"
    assert data["short_name"] == "共治"
    assert data["lang"] == "zh-hans"
    assert data["display"] == "standalone"
    assert data["start_url"].startswith("/workbench/")
    assert data["scope"] == "/"
    english = _manifest(client, "en")
    assert english["short_name"] == "Gongzhi"
    assert english["lang"] == "en"


def test_manifest_icons_exist_at_their_stated_sizes(client):
    icons = _manifest(client)["icons"]
    sizes = {icon["sizes"] for icon in icons}
    assert {"192x192", "512x512"} <= sizes
    assert {icon["purpose"] for icon in icons} == {"any", "maskable"}
    for icon in icons:
        name = icon["src"].removeprefix("/static/")
        path = finders.find(name)
        assert path, name
        width, height = Image.open(path).size
        assert f"{width}x{height}" == icon["sizes"]


@pytest.mark.parametrize("theme", ["default", "care"])
def test_every_page_links_the_manifest_and_the_home_screen_icon(client, home_page, theme):
    client.cookies["gongzhi_theme"] = theme
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'rel="apple-touch-icon" href="/static/default/img/app-icon-180.png"' in html
    assert finders.find("default/img/app-icon-180.png")


def _worker(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    return response.content.decode()


def _js_list(body: str, name: str) -> list[str]:
    found = re.search(rf"var {name} = \[(.*?)\];", body)
    assert found, name
    return [json.loads(f'"{item}"') for item in re.findall(r'"((?:[^"\\]|\\.)*)"', found.group(1))]


def test_the_worker_keeps_only_the_shell_and_the_offline_pages(client):
    body = _worker(client)
    shell = _js_list(body, "SHELL")
    offline = _js_list(body, "OFFLINE")
    assert shell and all(url.startswith("/static/") for url in shell)
    for url in shell:
        assert finders.find(url.removeprefix("/static/")), url
    assert sorted(offline) == sorted(
        f"/offline/?lang={lang}&theme={theme}"
        for lang in ("zh-hans", "en")
        for theme in ("default", "care")
    )
    # Pages come from the network; the cache is written only when the worker installs.
    assert body.count("cache.addAll(") == 1
    assert ".put(" not in body
    assert 'credentials: "omit"' in body


def test_the_cache_name_changes_when_a_shell_file_changes(client, monkeypatch, tmp_path):
    first = pwa.shell_version()
    changed = tmp_path / "portal.css"
    changed.write_text("body{}")
    real_find = pwa.finders.find
    monkeypatch.setattr(
        pwa.finders,
        "find",
        lambda name: str(changed) if name.endswith("portal.css") else real_find(name),
    )
    pwa.shell_version.cache_clear()
    try:
        assert pwa.shell_version() != first
    finally:
        pwa.shell_version.cache_clear()


@pytest.mark.parametrize(
    ("lang", "heading"), [("zh-hans", "暂时连不上共治平台"), ("en", "No connection to Gongzhi")]
)
def test_offline_page_in_each_language_and_theme(client, lang, heading):
    for theme in ("default", "care"):
        html = client.get(f"/offline/?lang={lang}&theme={theme}").content.decode()
        assert heading in html
        assert f'<html lang="{lang}">' in html
        assert f'class="theme-{theme}"' in html
        assert "Error" not in html and "错误" not in html


def test_offline_page_holds_nothing_of_a_signed_in_person(client):
    user = make_user("王晓燕", email="offline.owner@example.cn")
    client.force_login(user)
    html = client.get("/offline/?lang=zh-hans&theme=default").content.decode()
    assert "王晓燕" not in html and "offline.owner" not in html
    assert "csrfmiddlewaretoken" not in html


def test_offline_page_ignores_unknown_language_and_theme(client):
    html = client.get("/offline/?lang=fr&theme=%3Cscript%3E").content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'class="theme-default"' in html
    assert "<script>" not in html
