"""Base settings shared by every environment, read from the environment with django-environ.

Only configuration lives here; computed wiring (brokers, caches) follows the
presence of ``REDIS_URL``: without it the portal runs on its embedded defaults
(locmem cache, django-q2's ORM broker), so neither Redis nor PostgreSQL is ever required.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PORTAL_DIR = BASE_DIR / "portal"
THEMES_DIR = BASE_DIR / "themes"
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-insecure-secret-key-change-me-0123456789abcdef")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Layer 1: the ground
    "portal.core",
    "portal.accounts",
    "portal.organisations",
    "portal.audit",
    "portal.notifications",
    # Layer 2: the registry
    "property.registry",
    # Layer 3: voting
    "voting",
    # Layer 4: fund and credit
    "property.fund",
    "property.credit",
    # Layer 4a: shared revenue of common parts (transfers into the fund)
    "property.revenue",
    # Layer 5: CMS, dashboards and API
    "cms",
    "portal.dashboards",
    "portal.api",
    "portal.workbench",
    # Libraries
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_q",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.core.i18n.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.core.replica.ReplicaReadsMiddleware",
    "portal.core.memo.RequestMemoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.accounts.middleware.RequireStaffMFAMiddleware",
    "portal.core.themes.ThemeMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Theme folders are searched by portal.core.themes.ThemeLoader (current theme first,
        # then the default theme); app templates (Wagtail admin, allauth) come after.
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.core.context_processors.portal",
                "portal.notifications.context_processors.notifications",
            ],
            "loaders": [
                (
                    "portal.core.themes.CachedThemeLoader",
                    [
                        "portal.core.themes.ThemeLoader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            # i18n, and the one number format (money, area, count) in every template.
            "builtins": [
                "django.templatetags.i18n",
                "portal.core.templatetags.numbers",
                "portal.core.templatetags.masking",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A PostgreSQL streaming replica for the pages that only read published figures
# (portal/core/replica.py; docs/deploy.md): without it, everything uses the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
REPLICA_READ_VIEWS = [
    "dashboards:*",
    "api:*",
    "cms:page",
    "cms:search",
    "cms:notice_feed*",
    "cms:sitemap",
    "credit:ranking",
    "credit:company",
]
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=30)
DATABASE_ROUTERS = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["portal.core.replica.ReplicaRouter"]

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "gongzhi",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

Q_CLUSTER = {
    "name": "gongzhi",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 600,
    "retry": 900,
    "max_attempts": 1,
    "catch_up": False,
    "label": "Worker",
    "orm": "default",
}
if REDIS_URL:
    Q_CLUSTER.pop("orm")
    Q_CLUSTER["redis"] = REDIS_URL
# Tasks run inline (synchronously) when set: used by tests and by one-off commands.
Q_SYNC = env.bool("Q_SYNC", default=False)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/workbench/"  # every signed-in person lands on their workbench

# django-allauth: login by mobile phone or email, both verified.
ACCOUNT_LOGIN_METHODS = {"phone", "email"}
ACCOUNT_SIGNUP_FIELDS = ["phone*", "email", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Sign-up needs a mobile number, verified by an SMS code before the account is used; an email
# address is optional and gets a verification link (allauth cannot require "one of the two").
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "portal.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[共治] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Gongzhi"

# ---- One sign-in, the second factor per session (docs/security.md "Sign-in") ---------------
# allauth is the only login: Wagtail's and Django's admin logins hand over to it (portal/urls.py)
# and so do Wagtail's private-page login and its password pages. Staff need TOTP in every
# session (portal.accounts.middleware); a staff account without TOTP signs in with an emailed
# or texted code as well before it may set one up (portal.accounts.adapter).
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False  # passwords are changed and reset through allauth
WAGTAIL_PASSWORD_RESET_ENABLED = False
# No shared passwords on pages or document collections: privacy comes from signing in.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Codes sent by SMS or email (phone verification, sign-in codes) are 6 digits, as every
# Chinese service's 验证码 is; allauth lets each code be tried only a few times.
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_FORMS = {
    "verify_phone": "portal.accounts.forms.VerifyPhoneForm",
    "confirm_login_code": "portal.accounts.forms.ConfirmLoginCodeForm",
}
MFA_FORMS = {
    "authenticate": "portal.accounts.forms.AuthenticateForm",
    "reauthenticate": "portal.accounts.forms.ReauthenticateForm",
    "activate_totp": "portal.accounts.forms.ActivateTOTPForm",
}
# ---- end of sign-in --------------------------------------------------------------------------
# Pluggable SMS backend for verification codes (see portal.accounts.sms). The console backend
# is for development only: production has no default, and check --deploy refuses it.
SMS_BACKEND = env("SMS_BACKEND", default="portal.accounts.sms.ConsoleSMSBackend")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")  # for HttpGatewaySMSBackend
SMS_GATEWAY_TOKEN = env("SMS_GATEWAY_TOKEN", default="")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="共治 Gongzhi <noreply@gongzhi.example.cn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The project's catalogue (made by makemessages), then hand-kept Chinese for library strings
# their own catalogues leave untranslated (Wagtail's admin).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "libraries"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
STATICFILES_DIRS = [(name, THEMES_DIR / name / "static") for name in ("default", "care")]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Uploads that only a permission-checking view may serve (fund attachments): never under
# MEDIA_ROOT, never on a public URL.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Uploaded evidence (certificates, ballots, reports): allowed types and the size limit.
UPLOAD_ALLOWED_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

# ---- Registry import (docs/registry.md "Limits") ------------------------------------------
# A file at most this large (keep it below nginx's client_max_body_size, deploy/nginx) and with
# at most this many unit rows; the first REGISTRY_IMPORT_MAX_ERRORS errors are listed, the rest
# counted. Uploaded files are kept this many hours for a preview to be imported, then deleted.
REGISTRY_IMPORT_MAX_BYTES = env.int("REGISTRY_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
REGISTRY_IMPORT_MAX_ROWS = env.int("REGISTRY_IMPORT_MAX_ROWS", default=100_000)
REGISTRY_IMPORT_MAX_ERRORS = 200
REGISTRY_IMPORT_KEEP_HOURS = env.int("REGISTRY_IMPORT_KEEP_HOURS", default=24)
# The exclusive-part area (m²) a unit of each use may have: (smallest, largest). A use not
# listed takes "default". JSON in the environment, e.g. {"parking": ["1.00", "300.00"], ...}.
REGISTRY_AREA_LIMITS = {
    "residential": ("1.00", "2000.00"),
    "commercial": ("1.00", "50000.00"),
    "parking": ("1.00", "200.00"),
    "default": ("1.00", "50000.00"),
    **env.json("REGISTRY_AREA_LIMITS", default={}),
}

# The address people reach the portal at (scheme and host, no path). Every absolute link —
# emails, sitemap, feeds, PDF QR codes, API — is built from it by portal.core.links; required in
# production (portal.core.checks).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
WAGTAIL_SITE_NAME = "共治 Gongzhi"
# Wagtail's own links (workflow emails, "view live") use the same base.
WAGTAILADMIN_BASE_URL = PORTAL_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = UPLOAD_MAX_BYTES
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Gravatar is blocked on the mainland and leaks who opens the admin: staff avatars are initials
# drawn by portal/core/wagtail_hooks.py, and no code path may fall back to Gravatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

# Themes: one folder per theme under themes/; the visitor's choice is kept in a cookie.
THEMES = {"default": _("Standard"), "care": _("Care (large type)")}
DEFAULT_THEME = env("DEFAULT_THEME", default="default")

# Field encryption and keyed hashes for personal data (identity numbers).
# Keys are base64 url-safe 32-byte Fernet keys; the first one encrypts, all decrypt (rotation).
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=["tuT0K-3Ss8ADWk8W0Y0jDq3w4Xh2yB1xB0iK2rj2z2Q="]
)
IDENTITY_HASH_KEY = env("IDENTITY_HASH_KEY", default="dev-identity-hash-key-change-me")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", default="600/min"),
        "user": env("API_USER_RATE", default="1200/min"),
        # /votes/<id>/board.json: a published file, but tens of MB for a large estate.
        "board_export": env("BOARD_EXPORT_RATE", default="30/hour"),
    },
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_VERSION": "v1",
}
SPECTACULAR_SETTINGS = {
    # In the reader's language (schema and docs page follow the active language).
    "TITLE": _("Gongzhi open data API"),
    "DESCRIPTION": _("Public and staff endpoints of the Gongzhi property governance portal."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["portal.api.schema.only_portal_api"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: Swagger UI would fetch it from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
}

# Content-Security-Policy (django-csp 4): no inline scripts anywhere.
CONTENT_SECURITY_POLICY = {
    # Wagtail's and Django's own admin ship inline scripts; the portal's pages have none.
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# A form sent without a valid CSRF token gets a themed, translated page with a way back.
CSRF_FAILURE_VIEW = "portal.core.views.csrf_failure"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "portal.core.logging.RedactPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Domain settings (DOMAIN.md): rules that differ between cities are settings with these defaults.
GONGZHI = {
    "VOTE_NOTICE_DAYS": env.int("VOTE_NOTICE_DAYS", default=7),
    "VOTE_PUBLICITY_DAYS": env.int("VOTE_PUBLICITY_DAYS", default=7),
    "VOTE_MAX_EXTENSION_DAYS": env.int("VOTE_MAX_EXTENSION_DAYS", default=92),
    # A vote with online ballots is scheduled only with trustees holding its key (issue 18).
    # Off only for data generators and old test fixtures that predate trustees.
    "VOTE_ONLINE_NEEDS_TRUSTEES": env.bool("VOTE_ONLINE_NEEDS_TRUSTEES", default=True),
    # An objection to a result: at most this many characters, and this many per account.
    "VOTE_OBJECTION_MAX_CHARS": env.int("VOTE_OBJECTION_MAX_CHARS", default=2000),
    "VOTE_OBJECTIONS_PER_ACCOUNT": env.int("VOTE_OBJECTIONS_PER_ACCOUNT", default=3),
    "FUND_REVIEW_WORKING_DAYS": env.int("FUND_REVIEW_WORKING_DAYS", default=3),
    "FUND_DEEMED_APPROVAL": env.bool("FUND_DEEMED_APPROVAL", default=False),
    "FUND_ADVANCE_SHARE": env("FUND_ADVANCE_SHARE", default="0.50"),
    "FUND_PUBLICITY_DAYS": env.int("FUND_PUBLICITY_DAYS", default=3),
    "FUND_REFILL_THRESHOLD": env("FUND_REFILL_THRESHOLD", default="0.30"),
    # The largest amount anyone may type into the fund (an estimate, a cost, a deposit…), yuan.
    "FUND_MAX_AMOUNT": env("FUND_MAX_AMOUNT", default="100000000.00"),
    # Shared revenue of common parts (DOMAIN.md §2a, Hangzhou practice): a month's entries are
    # due by this day of the next month, from this month on; a half-year's statement is posted
    # in the estate for at least this many days; the committee answers an owner's objection
    # to an entry within this many days.
    "REVENUE_DUE_DAY": env.int("REVENUE_DUE_DAY", default=10),
    "REVENUE_START_MONTH": env("REVENUE_START_MONTH", default="2026-01"),
    "REVENUE_POSTING_DAYS": env.int("REVENUE_POSTING_DAYS", default=15),
    "REVENUE_OBJECTION_ANSWER_DAYS": env.int("REVENUE_OBJECTION_ANSWER_DAYS", default=10),
    "CREDIT_OBJECTION_WORKING_DAYS": env.int("CREDIT_OBJECTION_WORKING_DAYS", default=10),
    "CREDIT_DEFAULT_VALIDITY_DAYS": env.int("CREDIT_DEFAULT_VALIDITY_DAYS", default=365),
    # The weighting of the owners' quarterly star ratings against the annual survey in the
    # satisfaction part of the credit score (0 to 1; docs/credit.md, issue 19).
    "CREDIT_OWNER_RATING_WEIGHT": env("CREDIT_OWNER_RATING_WEIGHT", default="0.3"),
    # Instant verification of ownership claims against the registry (identity and certificate
    # number, from an account with an SMS-verified phone), docs/registry.md: on or off, off in
    # the cities named (codes of city nodes of the jurisdiction tree), and attempts per account
    # and per unit within the window (more go to the committee's manual review).
    "CLAIM_INSTANT_VERIFICATION": env.bool("CLAIM_INSTANT_VERIFICATION", default=True),
    "CLAIM_INSTANT_VERIFICATION_OFF_CITIES": env.list(
        "CLAIM_INSTANT_VERIFICATION_OFF_CITIES", default=[]
    ),
    "CLAIM_INSTANT_ATTEMPTS_PER_ACCOUNT": env.int("CLAIM_INSTANT_ATTEMPTS_PER_ACCOUNT", default=3),
    "CLAIM_INSTANT_ATTEMPTS_PER_UNIT": env.int("CLAIM_INSTANT_ATTEMPTS_PER_UNIT", default=5),
    "CLAIM_INSTANT_WINDOW_HOURS": env.int("CLAIM_INSTANT_WINDOW_HOURS", default=24),
}
# Keys of the verifiable bulletin board (voting): signing key for tree heads, wrapping key
# for each vote's private key. Generated into var/keys/ on first use in development.
BOARD_KEY_DIR = Path(env("BOARD_KEY_DIR", default=str(VAR_DIR / "keys")))
