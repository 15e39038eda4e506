"""allauth's pages speak Chinese on the Chinese portal: no English word in the page body
(issue 15: allauth's password errors and its "Email地址" were English on Chinese pages)."""

import re

import pytest
from django.core.cache import cache

from tests.factories import make_user

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
OWNER_PAGES = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/phone/change/",
    "/accounts/reauthenticate/",
]


def english_words(html: str) -> list[str]:
    main = re.search(r"<main\b.*?</main>", html, re.S).group(0)
    main = re.sub(r"<script\b.*?</script>", " ", main, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", main)  # tags (attribute values are not read by people)
    text = re.sub(r"[\w.+-]+@[\w.-]+", " ", text)  # email addresses
    return re.findall(r"[A-Za-z]{3,}", text)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_account_pages_in_chinese(client, path):
    assert english_words(client.get(path).content.decode()) == []


@pytest.mark.parametrize("path", OWNER_PAGES)
def test_owner_account_pages_in_chinese(client, path):
    client.force_login(make_user())
    assert english_words(client.get(path).content.decode()) == []


def test_form_errors_in_chinese(client):
    page = client.post(
        "/accounts/signup/", {"phone": "13955508888", "password1": "ab", "password2": "ab"}
    ).content.decode()
    assert english_words(page) == []
