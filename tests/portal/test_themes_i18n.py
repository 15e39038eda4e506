"""Themes switch and stick; pages speak Chinese by default and English on request."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_care_theme_switches_and_sticks(client, home_page):
    assert b"care/css/care.css" not in client.get("/").content
    response = client.post(reverse("set_theme"), {"theme": "care", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    for _ in range(2):  # remembered across requests
        page = client.get("/")
        assert b"care/css/care.css" in page.content and b"theme-care" in page.content
    client.post(reverse("set_theme"), {"theme": "default", "next": "/"})
    assert b"care/css/care.css" not in client.get("/").content


def test_unknown_theme_and_offsite_next_ignored(client, home_page):
    response = client.post(reverse("set_theme"), {"theme": "evil", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert b"theme-default" in client.get("/").content


def test_chinese_by_default_english_one_click(client, home_page):
    page = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in page and "业主投票" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page and "Owner voting" in page


ALLOWED_LATIN = {"English", "Gongzhi", "API", "TOTP", "Email", "PDF", "CSV", "XLSX"}


def visible_text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style|title)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    return re.sub(r"<[^>]+>", "\n", html)


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_main_pages_have_no_untranslated_strings(client, home_page, path):
    """A template string left untranslated shows up as English words on the Chinese page."""
    html = client.get(path).content.decode()
    leftovers = []
    for line in visible_text(html).splitlines():
        for run in re.findall(r"[A-Za-z][A-Za-z'’]+(?:[ ,.:;-]+[A-Za-z][A-Za-z'’]+)+", line):
            if not set(run.replace(",", " ").replace(".", " ").split()) <= ALLOWED_LATIN:
                leftovers.append(run)
    assert not leftovers, f"untranslated on {path}: {leftovers}"


def test_catalogue_complete():
    """Every message in the Chinese catalogue is translated and none is fuzzy."""
    from pathlib import Path

    po = (Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po").read_text()
    entries = po.split("\n\n")[1:]
    missing = []
    for entry in entries:
        if "#, fuzzy" in entry:
            missing.append(entry)
        elif entry.rstrip().endswith('msgstr ""') and not re.search(r'msgstr ""\n"', entry):
            missing.append(entry)
    assert not missing, "untranslated or fuzzy entries:\n" + "\n\n".join(missing[:10])


def test_browser_language_does_not_override_chinese_default(client, home_page):
    """An English browser still gets the Chinese portal until the visitor switches."""
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page
