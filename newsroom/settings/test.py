"""Settings for the test suite: a deployment's settings, with test doubles for its services.

base.py derives the secret key, the hosts, the security settings and the static storage
from DEBUG, so the suite gives it a deployment's environment (DEBUG off, a secret key, the
hosts it answers) before it reads it, instead of flipping DEBUG afterwards: the tests run
with the secure cookies, HSTS and CSRF origins a deployment has. SECURE_SSL_REDIRECT is off,
as in a deployment whose proxy redirects to https itself (the test client speaks http).

What changes after that are the services around the newsroom, replaced as a test replaces
any outside service: fast password hashing, the local-memory cache and mailbox, tasks run
at once, and static files served from the apps' folders without a `collectstatic` run.
MEDIA_ROOT is a temporary folder per run, set by tests/conftest.py.
"""

import os
from unittest import mock

DEPLOYMENT = {
    "DEBUG": "0",
    "SECRET_KEY": "test-only-secret-key-not-for-any-deployment-0123456789",
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "SITE_URL": "http://testserver",
    "SECURE_SSL_REDIRECT": "0",
}

# Only while base.py reads it: the process's own environment (and the subprocesses some
# tests start) stays as it was.
with mock.patch.dict(os.environ, DEPLOYMENT):
    from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files through the finders, without a collectstatic run.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The live server's threads must not keep connections open past a test (PostgreSQL drop).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# The page cache is tested where it is the subject (tests/pagecache): elsewhere a test reads
# the page it just changed without counting the cache's queries.
PAGE_CACHE = False
# Two factors are tested where they are wanted (tests/core/test_login.py), not on every login.
OTP_REQUIRED_FOR_EDITORS = False
