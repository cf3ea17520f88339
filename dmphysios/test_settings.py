"""Settings for the test suite: fast, self-contained, same database choice as the run."""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")

from dmphysios.settings import *  # noqa: E402,F403
from dmphysios.settings import BASE_DIR, DATABASES  # noqa: E402

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file rather than memory, so the app servers the production tests start can open it too.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}

# MD5 makes user creation in tests fast; never used outside tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The admin lock-out as in production, but the test client's login() (which has no request) still works.
AUTHENTICATION_BACKENDS = [
    "tests.auth_backends.LockOutUnlessTestClientLogin",
    "django.contrib.auth.backends.ModelBackend",
]

# Manifest names need collectstatic; tests (and the live server) use plain names.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files from the finders, as runserver does; nothing is collected in tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tasks run as they are queued (on commit), in the test's own process; tests of the worker start the real one,
# on the database backend, against the test database.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
