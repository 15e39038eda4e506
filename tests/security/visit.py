"""Visiting a matrix entry as a role, and judging the response (shared by the security tests)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from tests.security.matrix import ANON, Entry, Pattern


def client_for(demo, role: str) -> Client:
    client = Client()
    if role != ANON:
        client.force_login(demo.user(role))
    return client


def url_for(demo, key: str, entry: Entry) -> str:
    if entry.path is not None:
        return entry.path(demo) if callable(entry.path) else entry.path
    kwargs = entry.kwargs(demo) if entry.kwargs else {}
    return reverse(key, kwargs=kwargs)


def visit(demo, key: str, entry: Entry, role: str, client: Client | None = None):
    client = client or client_for(demo, role)
    url = url_for(demo, key, entry)
    return url, request(demo, entry, client, url)


def request(demo, entry: Entry, client: Client, url: str):
    """The entry's request to ``url`` (its POST data built from the demo context first)."""
    if entry.method == "post":
        data = entry.data(demo) if callable(entry.data) else (entry.data or {})
        return client.post(url, data)
    return client.get(url)


def login_path() -> str:
    return resolve_url(settings.LOGIN_URL)


def area(path: str) -> str:
    """The first segment of a path: "/votes/3/" -> "/votes/"."""
    first = path.strip("/").split("/", 1)[0]
    return f"/{first}/" if first else "/"


def judge(pattern: Pattern | None, entry: Entry, role: str, url: str, response) -> str | None:
    """None when the response is what the matrix says; else a description of what is wrong."""
    status = response.status_code
    location = response.get("Location", "")
    target = urlsplit(location).path if location else ""
    where = f"{url} as {role}: {status} {location}".rstrip()
    if role in entry.statuses:
        return (
            None if status == entry.statuses[role] else f"expected {entry.statuses[role]}: {where}"
        )
    if entry.allows(role):
        if 200 <= status < 300:
            return None
        if status in (301, 302, 303, 307, 308):
            if target.startswith(login_path()) or target.startswith("/accounts/"):
                # Only a login route that hands over to the one sign-in may send there, and
                # its entry says so (redirect_to="/accounts/login/").
                if entry.redirect_to and entry.redirect_to.startswith("/accounts/"):
                    if target.startswith(entry.redirect_to):
                        return None
                return f"allowed role sent to sign in / account pages: {where}"
            wanted = entry.redirect_to or area(url)
            if target.startswith(wanted):
                return None
            return f"allowed role redirected out of {wanted}: {where}"
        if entry.method == "post" and status == 400:
            return None  # the empty form was refused as bad input, not as forbidden
        return f"allowed role refused: {where}"
    if role == ANON:
        if status in (302, 303) and target.startswith(login_path()):
            return None
        return f"anonymous not sent to sign in: {where}"
    if status in (403, 404):
        return None
    return f"role should be refused with 403/404: {where}"
