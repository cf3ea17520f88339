"""
Settings for the DMPhysios site.

Everything that differs between a laptop and production comes from the
environment (see .env.example); nothing secret lives in this file.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is a convenience for development; real deployments set variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# Production must never fall back to a known key: refuse to start instead.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in the environment "
            "(see .env.example), or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 - debug only

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "nested_admin",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "web",
    "clinic",
    "conditions",
    "appointments",
]

MIDDLEWARE = [
    # First: every query a request makes has a deadline, whatever middleware or view makes it.
    "web.db.DatabaseDeadlineMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "web.middleware.SecurityHeadersMiddleware",
    "web.middleware.NoUploadsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above the session middleware: a cached page is served without touching the database.
    "web.page_cache.PageCacheMiddleware",
    # Below the page cache, so a page is compressed once, when it is stored, and a cached page goes out as stored.
    # Django's GZipMiddleware pads what it compresses with random bytes (its BREACH mitigation); cached pages
    # hold no secret (no CSRF token, no session) for such an attack to guess.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "web.middleware.NoIndexAdminMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dmphysios.urls"
WSGI_APPLICATION = "dmphysios.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
            ],
        },
    },
]

# SQLite when DATABASE_URL is unset, so `make run` needs no server.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers writing at once: take the write lock when a transaction starts and wait
    # for it, rather than failing with "database is locked"; WAL lets pages be read while a request is saved.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE", timeout=20, init_command="PRAGMA journal_mode=WAL;"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when the database is unreachable: patients get the 503 page, not a hung request.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
# A database that stops answering mid-connection costs a web request this many seconds per query, then the 503
# page (web/db.py); for the retry seconds after that, this process answers 503 at once. 0: no deadline.
DATABASE_WAIT_SECONDS = env.int("DATABASE_WAIT_SECONDS", default=3)
DATABASE_RETRY_SECONDS = env.int("DATABASE_RETRY_SECONDS", default=5)
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The admin's address. Changing it from admin/ hides the login from scripts that probe the usual address.
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/")

# django-axes: five wrong passwords for one username from one address lock that pair out for an hour.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# How many reverse proxies stand in front of the app and append to X-Forwarded-For (README, "Reverse
# proxy"); 0 means REMOTE_ADDR is the visitor. Read by web.client_ip for lock-outs and rate limits.
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "web.client_ip.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-in"
# The clinic works in one zone with no daylight saving; pages say "IST".
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names so browsers may cache them for a year.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# One cache for pages and rate limits: this process's memory by default; Redis when REDIS_URL is set,
# so several app servers share cached pages, their invalidation and rate-limit counters.
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": {
        # Django's, but after a call that fails every call skips Redis for retry_seconds: a Redis that stops
        # answering costs a request one socket timeout (a second) at most, and the requests after it nothing.
        "BACKEND": "web.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {
            "socket_connect_timeout": 1,
            "socket_timeout": 1,
            "retry_seconds": env.int("CACHE_RETRY_SECONDS", default=10),
        },
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="dmphysios")
if REDIS_URL:
    # Each process's own copy of cached pages and fragments, whose keys hold the content version (a save
    # retires them everywhere all the same): with the version kept in memory too, a hit asks Redis nothing.
    # Bounded in size.
    CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 500}}

# The public page cache (web/page_cache.py). 0 turns it off; saves in these apps invalidate it.
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_LOCAL_ALIAS = "local" if "local" in CACHES else None
# Short, so that writes which send no signal (queryset.update()) are not kept much longer than in Redis.
PAGE_CACHE_LOCAL_SECONDS = 60
# With Redis each process keeps the content version in memory, told of changes by pub/sub; it reads it again at
# least this often all the same, so a lost announcement keeps a page stale for a second at most.
PAGE_CACHE_VERSION_SECONDS = env.float("PAGE_CACHE_VERSION_SECONDS", default=1)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
PAGE_CACHE_CONTENT_APPS = ("conditions", "clinic")
# Rendered condition articles, their JSON-LD and the clinic's details, under the same content version, so
# a save retires them at once; used with the page cache off too. 0 builds them on every request.
CONTENT_CACHE_SECONDS = env.int("CONTENT_CACHE_SECONDS", default=600)

# Shown on the 503 page when the database (which holds the clinic's details) cannot be reached.
CLINIC_PHONE_FALLBACK = env.str("CLINIC_PHONE_FALLBACK", default="")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: smtp://user:password@host:port, or consolemail:// to print mails.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://127.0.0.1:25")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The site's public address, for links in e-mails (a patient's manage link), e.g. https://www.dmphysios.in.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="DMPhysios <noreply@dmphysios.in>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

if not DEBUG:
    # Behind a TLS-terminating proxy; DJANGO_SECURE_SSL_REDIRECT=false only for
    # production-like runs on plain loopback (benchmarks, Lighthouse).
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Only behind a proxy that sets X-Forwarded-Proto itself (README, "Reverse proxy"); otherwise
    # any client could claim HTTPS.
    if env.bool("DJANGO_TRUST_X_FORWARDED_PROTO", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The load balancer probes /healthz over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Headers a careful site sends (some are Django's defaults, stated here so they are seen).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Our own files only: no inline code or styles, no outside hosts. data: images are Bootstrap's form icons.
CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY_DENIED = [
    "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb",
]  # fmt: skip

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "web.log.JsonFormatter"},
    },
    # One JSON object a line in production (for a log collector); plain text while developing.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("DJANGO_LOG_FORMAT", default="plain" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# Booking requests (appointments app). Abuse protection is on by default; tests change
# these in their own settings only.
BOOKING_HORIZON_DAYS = env.int("BOOKING_HORIZON_DAYS", default=60)
# "We'll call you within N working hours", on the confirmation page and in e-mails.
BOOKING_CALLBACK_WORKING_HOURS = env.int("BOOKING_CALLBACK_WORKING_HOURS", default=4)
# Bots submit in under a second; nobody fills the form in four.
BOOKING_MIN_FILL_SECONDS = env.int("BOOKING_MIN_FILL_SECONDS", default=4)
BOOKING_FORM_MAX_AGE_SECONDS = env.int("BOOKING_FORM_MAX_AGE_SECONDS", default=24 * 60 * 60)
BOOKING_RATE_LIMIT_PER_PHONE_PER_DAY = env.int("BOOKING_RATE_LIMIT_PER_PHONE_PER_DAY", default=3)
BOOKING_RATE_LIMIT_PER_EMAIL_PER_DAY = env.int("BOOKING_RATE_LIMIT_PER_EMAIL_PER_DAY", default=3)
# Generous: many patients share one mobile network's address.
BOOKING_RATE_LIMIT_PER_IP_PER_HOUR = env.int("BOOKING_RATE_LIMIT_PER_IP_PER_HOUR", default=10)
# How many proxies in front of the app append to X-Forwarded-For; 0 trusts the connection only.
BOOKING_RETENTION_DAYS = env.int("BOOKING_RETENTION_DAYS", default=365)
BOOKING_NOTIFICATION_MAX_ATTEMPTS = env.int("BOOKING_NOTIFICATION_MAX_ATTEMPTS", default=8)
# First retry after this many seconds, doubling each time (at most six hours apart).
BOOKING_NOTIFICATION_RETRY_SECONDS = env.int("BOOKING_NOTIFICATION_RETRY_SECONDS", default=60)
# The diary (appointments/availability.py). Physiotherapists marked as placeholders (the seed data) are offered to
# patients only while developing: a first deploy takes call-back requests until staff enter the real ones.
BOOKING_OFFERS_PLACEHOLDERS = env.bool("BOOKING_OFFERS_PLACEHOLDERS", default=DEBUG)
# Held times at once: per browser session (a new choice releases the last) and per client address.
BOOKING_HOLDS_PER_ADDRESS = env.int("BOOKING_HOLDS_PER_ADDRESS", default=6)

# Background work (Django's Tasks API through the django-tasks backport; on Django 6 only BACKEND changes, to
# django.tasks). Requests queue tasks in the database; `manage.py run_worker` runs them, and every
# WORKER_TICK_SECONDS sends outbox rows that came due (reminders, retries) and marks lapsed holds expired.
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
WORKER_TICK_SECONDS = env.float("WORKER_TICK_SECONDS", default=15)
# A row claimed longer ago than this was left by a worker that died mid-send (sending takes seconds at most).
OUTBOX_STALE_CLAIM_SECONDS = env.int("OUTBOX_STALE_CLAIM_SECONDS", default=300)
# Reminders: hours before the visit, on every channel the patient chose; and a second one on WhatsApp (0: none).
REMINDER_HOURS = env.int("REMINDER_HOURS", default=24)
WHATSAPP_REMINDER_HOURS = env.int("WHATSAPP_REMINDER_HOURS", default=2)
# Staff password reset e-mails: per address and per client address, per hour.
PASSWORD_RESET_PER_EMAIL_PER_HOUR = env.int("PASSWORD_RESET_PER_EMAIL_PER_HOUR", default=3)
PASSWORD_RESET_PER_IP_PER_HOUR = env.int("PASSWORD_RESET_PER_IP_PER_HOUR", default=10)
# SMS and WhatsApp (appointments/channels). "console" logs the template and a masked number only (development);
# "none" offers no such channel to patients. Secrets come from the environment, never from this file.
SMS_PROVIDER = env.str("SMS_PROVIDER", default="console" if DEBUG else "none")
MSG91_AUTH_KEY = env.str("MSG91_AUTH_KEY", default="")
# India's DLT registration: the sender id (header) and the principal entity id; template ids are per text, as data.
MSG91_SENDER_ID = env.str("MSG91_SENDER_ID", default="")
DLT_ENTITY_ID = env.str("DLT_ENTITY_ID", default="")
MSG91_BASE_URL = env.str("MSG91_BASE_URL", default="https://api.msg91.com")
# MSG91 signs nothing: its webhooks carry this secret as ?token=…, compared in constant time.
SMS_WEBHOOK_SECRET = env.str("SMS_WEBHOOK_SECRET", default="")
WHATSAPP_PROVIDER = env.str("WHATSAPP_PROVIDER", default="console" if DEBUG else "none")
META_WHATSAPP_TOKEN = env.str("META_WHATSAPP_TOKEN", default="")
META_WHATSAPP_PHONE_NUMBER_ID = env.str("META_WHATSAPP_PHONE_NUMBER_ID", default="")
# Signs every webhook (X-Hub-Signature-256); the verify token answers Meta's one-off subscription check.
META_APP_SECRET = env.str("META_APP_SECRET", default="")
META_WEBHOOK_VERIFY_TOKEN = env.str("META_WEBHOOK_VERIFY_TOKEN", default="")
META_GRAPH_BASE_URL = env.str("META_GRAPH_BASE_URL", default="https://graph.facebook.com/v21.0")
# Seconds the worker waits on a provider before it counts the attempt as failed and retries later.
MESSAGING_TIMEOUT_SECONDS = env.float("MESSAGING_TIMEOUT_SECONDS", default=5)
_MESSAGING_NEEDS = {
    ("SMS_PROVIDER", "msg91"): ["MSG91_AUTH_KEY", "MSG91_SENDER_ID", "DLT_ENTITY_ID", "SMS_WEBHOOK_SECRET"],
    ("WHATSAPP_PROVIDER", "meta"): ["META_WHATSAPP_TOKEN", "META_WHATSAPP_PHONE_NUMBER_ID", "META_APP_SECRET"],
}
if SMS_PROVIDER not in ("console", "msg91", "none") or WHATSAPP_PROVIDER not in ("console", "meta", "none"):
    raise ImproperlyConfigured("SMS_PROVIDER is console, msg91 or none; WHATSAPP_PROVIDER is console, meta or none.")
for (_setting, _provider), _names in _MESSAGING_NEEDS.items():
    if globals()[_setting] == _provider and not all(globals()[_name] for _name in _names):
        raise ImproperlyConfigured(f"{_setting}={_provider} needs {', '.join(_names)}.")
