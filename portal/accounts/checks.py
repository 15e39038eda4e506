"""Deployment checks (``manage.py check --deploy``) for sign-in limits and SMS codes.

* Sign-in limits (allauth's rate limits, the API throttles) are counted in Django's default
  cache. A per-process cache (locmem, dummy) gives every gunicorn worker its own count: with
  two workers, eight wrong passwords got through where five should. Production needs a cache
  all workers and hosts share (Redis: ``REDIS_URL``).
* SMS codes go out through ``SMS_BACKEND``. The development backends print or write them
  (the file backend keeps codes in clear for the browser tests); production names its gateway.

Both checks read settings only: they answer without reaching Redis or the gateway.
"""

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

PER_PROCESS_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)
PER_HOST_CACHES = frozenset({"django.core.cache.backends.filebased.FileBasedCache"})


@checks.register(checks.Tags.security, deploy=True)
def check_shared_cache_for_limits(app_configs=None, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        return [
            checks.Error(
                f"The default cache ({backend}) lives in each process: sign-in rate limits "
                "and API throttles would be counted per worker.",
                hint="Set REDIS_URL (docs/deploy.md) so every worker and host shares one cache.",
                id="gongzhi.E001",
            )
        ]
    if backend in PER_HOST_CACHES:
        return [
            checks.Warning(
                f"The default cache ({backend}) is shared only by the processes of one host: "
                "with several hosts, each counts sign-in failures on its own.",
                hint="Set REDIS_URL (docs/deploy.md).",
                id="gongzhi.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_sms_backend(app_configs=None, **kwargs):
    from .sms import DEVELOPMENT_BACKENDS, HttpGatewaySMSBackend

    path = getattr(settings, "SMS_BACKEND", "")
    if not path:
        return [
            checks.Error(
                "SMS_BACKEND is not set: verification codes cannot be sent.",
                hint="Name the SMS gateway class (docs/deploy.md, 'SMS').",
                id="gongzhi.E002",
            )
        ]
    try:
        backend = import_string(path)
    except ImportError as exc:
        return [checks.Error(f"SMS_BACKEND {path!r} cannot be imported: {exc}", id="gongzhi.E003")]
    if isinstance(backend, type) and issubclass(backend, DEVELOPMENT_BACKENDS):
        return [
            checks.Error(
                f"SMS_BACKEND {path!r} is a development backend: it prints or stores "
                "verification codes instead of sending them.",
                hint="Name the SMS gateway class (docs/deploy.md, 'SMS').",
                id="gongzhi.E004",
            )
        ]
    if isinstance(backend, type) and issubclass(backend, HttpGatewaySMSBackend):
        url = getattr(settings, "SMS_GATEWAY_URL", "")
        if not url.startswith("https://") or not getattr(settings, "SMS_GATEWAY_TOKEN", ""):
            return [
                checks.Error(
                    "HttpGatewaySMSBackend needs SMS_GATEWAY_URL (https://…) and "
                    "SMS_GATEWAY_TOKEN.",
                    id="gongzhi.E005",
                )
            ]
    return []
