"""Content-Security-Policy, inline scripts in templates, and production cookie/HSTS settings."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security.html import scan

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "themes").glob("**/templates/**/*.html"))


def test_templates_found():
    assert any(p.name == "base.html" for p in TEMPLATES)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_in_theme_templates(path):
    """CSP forbids inline scripts: a theme template's <script> has a src (or is JSON data)."""
    text = path.read_text(encoding="utf-8")
    # Template tags inside a script body are code too; keep them as text for the scan.
    page = scan(re.sub(r"{#.*?#}", "", text))
    assert not page.inline_scripts, f"inline <script> code: {page.inline_scripts}"
    assert not page.event_handlers, f"inline event handlers: {page.event_handlers}"
    assert not page.javascript_urls, f"javascript: URLs: {page.javascript_urls}"


@pytest.mark.django_db
def test_responses_carry_the_csp_header(client, home_page):
    """Pages carry django-csp's policy: scripts from the portal only, no objects, no framing."""
    for url in ("/", "/accounts/login/"):
        csp = client.get(url)["Content-Security-Policy"]
        directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
        assert directives["script-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'self'"
        assert directives["base-uri"] == "'self'"


def production_settings(**extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "prod-" + "k" * 60,
        "ALLOWED_HOSTS": "portal.example.cn",
        "PORTAL_BASE_URL": "https://portal.example.cn",
        **extra,
    }
    env.pop("DATABASE_URL", None)
    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY',"
        "'SECURE_HSTS_SECONDS','SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_SSL_REDIRECT',"
        "'SECURE_PROXY_SSL_HEADER','SECURE_CONTENT_TYPE_NOSNIFF','DEBUG','X_FRAME_OPTIONS']}"
        " | {'CONN_MAX_AGE': s.DATABASES['default'].get('CONN_MAX_AGE'),"
        " 'MEDIA_BACKEND': s.STORAGES['default']['BACKEND']}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_cookies_secure_and_hsts():
    """Production: cookies only over HTTPS, HSTS for a year with subdomains, HTTPS redirect."""
    s = production_settings()
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SESSION_COOKIE_HTTPONLY"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert s["SECURE_SSL_REDIRECT"] and s["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["DEBUG"] is False
    assert s["CONN_MAX_AGE"] and s["CONN_MAX_AGE"] > 0


def test_production_media_on_object_storage_when_configured():
    """MEDIA_S3_BUCKET switches uploaded files to private object storage (django-storages)."""
    assert production_settings()["MEDIA_BACKEND"].endswith("FileSystemStorage")
    s = production_settings(MEDIA_S3_BUCKET="gongzhi-media")
    assert s["MEDIA_BACKEND"] == "storages.backends.s3.S3Storage"


def test_production_refuses_to_start_without_secret_key():
    """No default secret in production: a missing SECRET_KEY is an error, not a fallback."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.production", ALLOWED_HOSTS="x.cn")
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0 and "SECRET_KEY" in out.stderr
