"""Production settings: everything from the environment, HTTPS only, persistent DB connections."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# No development default: links in emails and PDFs must point at the real address.
PORTAL_BASE_URL = env("PORTAL_BASE_URL").rstrip("/")
WAGTAILADMIN_BASE_URL = PORTAL_BASE_URL
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "replica" in DATABASES:
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Wagtail's page preview frames the portal's own pages, so frames stay allowed from the same
# origin (X_FRAME_OPTIONS = SAMEORIGIN, and CSP frame-ancestors 'self'); no other site may frame it.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env("MEDIA_S3_BUCKET", default=""):
    # Media on object storage (django-storages, S3-compatible), see docs/deploy.md.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("MEDIA_S3_BUCKET"),
            "endpoint_url": env("MEDIA_S3_ENDPOINT", default=None),
            "querystring_auth": True,
            "default_acl": "private",
        },
    }

# ---- Sign-in limits and SMS codes (docs/deploy.md; portal.accounts.checks) ------------------
# Rate limits live in the default cache: check --deploy fails unless it is shared (REDIS_URL).
# No default SMS backend: the deployment names its gateway; check --deploy refuses the
# development backends.
SMS_BACKEND = env("SMS_BACKEND", default="")
