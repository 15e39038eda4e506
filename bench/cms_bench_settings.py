"""Settings for bench/cms_pages.py: development settings with DEBUG off, persistent DB
connections, and the cache switched off when BENCH_CACHE=0 (the "uncached" figures)."""

import os

from portal.settings.dev import *  # noqa: F403

DEBUG = False
DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
if os.environ.get("BENCH_CACHE", "1") == "0":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
