"""Production settings pass Django's deployment checks with no warnings, and only when the
deployment has what the portal's security needs (issue 14, findings 10 and 13): a cache that
every worker shares for the sign-in rate limits, and a real SMS gateway."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]

# What a real deployment sets (docs/deploy.md): Redis for cache and limits, an SMS gateway.
DEPLOYMENT = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-for-the-check-0987",
    "ALLOWED_HOSTS": "portal.example.cn",
    "PORTAL_BASE_URL": "https://portal.example.cn",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SMS_BACKEND": "portal.accounts.sms.HttpGatewaySMSBackend",
    "SMS_GATEWAY_URL": "https://sms.example.cn/send",
    "SMS_GATEWAY_TOKEN": "gateway-token",
}


def check_deploy(**changes):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "REDIS_URL", "SMS_", "DJANGO_"))
    }
    env.update(DEPLOYMENT)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_clean_under_production_settings():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_needs_no_redis_to_answer():
    """The check reads the settings; it does not connect (nothing listens on port 1)."""
    result = check_deploy(REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_with_a_per_process_cache():
    """Without REDIS_URL the cache is locmem: each gunicorn worker would count failed sign-ins
    on its own (8 wrong passwords got through on 2 workers)."""
    result = check_deploy(REDIS_URL=None)
    assert result.returncode != 0
    assert "gongzhi.E001" in result.stderr + result.stdout


@pytest.mark.parametrize(
    "backend", [None, "portal.accounts.sms.ConsoleSMSBackend", "portal.accounts.sms.FileSMSBackend"]
)
def test_check_deploy_refuses_development_sms_backends(backend):
    """Production has no default SMS backend, and refuses the console and file backends (they
    print or store live codes instead of sending them)."""
    result = check_deploy(SMS_BACKEND=backend)
    assert result.returncode != 0
    assert ("gongzhi.E002" if backend is None else "gongzhi.E004") in result.stderr


@pytest.mark.parametrize(
    ("backend", "refused"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", True),
        ("django.core.cache.backends.dummy.DummyCache", True),
        ("django.core.cache.backends.redis.RedisCache", False),
        ("django.core.cache.backends.db.DatabaseCache", False),
    ],
)
def test_shared_cache_check(backend, refused):
    from portal.accounts.checks import check_shared_cache_for_limits

    with override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": "x"}}):
        errors = [e for e in check_shared_cache_for_limits() if isinstance(e, Error)]
    assert bool(errors) is refused


def test_sms_gateway_check_needs_https_url_and_token():
    from portal.accounts.checks import check_sms_backend

    gateway = "portal.accounts.sms.HttpGatewaySMSBackend"
    with override_settings(SMS_BACKEND=gateway, SMS_GATEWAY_URL="", SMS_GATEWAY_TOKEN="t"):
        assert [e.id for e in check_sms_backend()] == ["gongzhi.E005"]
    with override_settings(
        SMS_BACKEND=gateway, SMS_GATEWAY_URL="http://sms.example.cn/", SMS_GATEWAY_TOKEN="t"
    ):
        assert [e.id for e in check_sms_backend()] == ["gongzhi.E005"]
    with override_settings(
        SMS_BACKEND=gateway, SMS_GATEWAY_URL="https://sms.example.cn/", SMS_GATEWAY_TOKEN="t"
    ):
        assert check_sms_backend() == []
    with override_settings(SMS_BACKEND="portal.accounts.sms.NoSuchBackend"):
        assert [e.id for e in check_sms_backend()] == ["gongzhi.E003"]
