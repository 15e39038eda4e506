"""Test settings: fast hasher, locmem cache and email, tasks run inline."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnop"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SMS_BACKEND = "portal.accounts.sms.LocmemSMSBackend"
Q_SYNC = True
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
ALLOWED_HOSTS = ["*"]
# One set of folders per xdist worker: the workers' databases reuse the same vote ids, so a sweep
# of stashed paper scans in one worker deleted another's ("the vote no longer exists"), and a
# test that reads every file under a folder would read the other workers' files.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
MEDIA_ROOT = VAR_DIR / "test-media" / _WORKER
PRIVATE_MEDIA_ROOT = VAR_DIR / "test-private" / _WORKER
BOARD_KEY_DIR = VAR_DIR / "test-keys" / _WORKER
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
LOGGING["root"]["level"] = "WARNING"
# The vote fixtures of most tests predate trustees (a server-held key); the tests of the rule
# turn it on (tests/voting/test_links_cut.py).
GONGZHI = {**GONGZHI, "VOTE_ONLINE_NEEDS_TRUSTEES": False}

# A throwaway test database need not wait for each commit to reach the disk: per connection,
# harmless for data nobody keeps, and the migrations that build each worker's test database and
# the transactional tests commit hundreds of times (README, "Tests").
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()
