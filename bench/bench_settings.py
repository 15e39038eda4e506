"""Settings for bench/voting_cast.py's gunicorn: the test settings (fast password hasher) with
persistent database connections as in production, plus the bench's reference views
(bench_urls)."""

from portal.settings.test import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
ROOT_URLCONF = "bench_urls"
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
