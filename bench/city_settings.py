"""Settings of bench/city.py's gunicorn: the production settings (DEBUG off, persistent
connections with health checks, the manifest static storage, Redis cache) as they are, plus the
bench-only query counter (bench/bench_middleware.py) as the outermost middleware, static files
collected into the bench's own folder and the cache keys prefixed with the bench's database
name (Redis is shared)."""

import os

from portal.settings.production import *  # noqa: F403

MIDDLEWARE = ["bench_middleware.count_queries", *MIDDLEWARE]  # noqa: F405
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT)  # noqa: F405
if "KEY_PREFIX" in CACHES["default"]:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = "bench-" + DATABASES["default"]["NAME"]  # noqa: F405
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
