"""Settings for bench/voting_cast.py's gunicorn: the test settings (fast password hasher) with
persistent database connections as in production, and the bench baseline URL switched on."""

from portal.settings.test import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
GONGZHI_BENCH = True
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
