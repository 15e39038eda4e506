"""Development settings: DEBUG on, console email and SMS, SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
# Serve static files straight from the theme folders (no collectstatic in development).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
