"""Settings for every environment, read from environment variables (12-factor).

With nothing set the newsroom runs for development: DEBUG on, SQLite in WAL mode, email
printed to the console. With DEBUG=0 it refuses to start without SECRET_KEY and
ALLOWED_HOSTS.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = env(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-do-not-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    missing = [
        name
        for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"DEBUG is off, so these environment variables must be set: {', '.join(missing)}."
        )

# The newsroom's public address, used in emails, feeds and preview links.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The domain in calendar UIDs (visit-<id>@<domain>): empty means SITE_URL's host name. Set it
# when SITE_URL changes (a new address) but calendars should keep their events' identities.
CALENDAR_UID_DOMAIN = env("CALENDAR_UID_DOMAIN", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Django's form templates, for the public forms' renderer (core.forms.PublicFormRenderer).
    "django.forms",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django_prose_editor",
    "newsroom.core",
    "municipalities",
    "newsroom.contacts",
    "newsroom.mediabank",
    "newsroom.releases",
    "newsroom.subscriptions",
    "newsroom.pagecache",
    # Last: composes the apps above (registers the admin, with mixins from several apps).
    "newsroom.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.core.middleware.RefuseNulBytesMiddleware",
    # Compresses HTML, feeds and JSON; ETags come from the uncompressed body (below it).
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "newsroom.pagecache.middleware.PublicPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "newsroom.core.login.RequireVerifiedStaffMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "django.template.context_processors.i18n",
                "newsroom.core.context_processors.newsroom",
                "newsroom.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://…) or SQLite in WAL mode when unset.
SQLITE_PATH = BASE_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=int(env("CONN_MAX_AGE", 60)),
        # A kept connection is checked before a request reuses it: after a database restart
        # the request reconnects instead of failing on the dead connection.
        conn_health_checks=True,
    )
}
# Persistent connections (CONN_MAX_AGE, on SQLite too: each new one repeats the PRAGMAs),
# checked before reuse so that a dropped one is replaced rather than failing a request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it counts failed logins and refuses any while locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Swedish first (the default, /sv/…), English second (/en/…).
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "newsroom" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / "media"))
# Uploads are never served as they lie: a view decides who may have each file, then hands it
# out itself (`django`) or has the proxy stream it from an internal location: nginx with
# X-Accel-Redirect (`nginx`), Apache's mod_xsendfile with X-Sendfile (`apache`).
MEDIA_SERVE = env("MEDIA_SERVE", "django")
if MEDIA_SERVE not in ("django", "nginx", "apache"):
    raise ImproperlyConfigured("MEDIA_SERVE must be django, nginx or apache.")
# nginx's `internal` location that maps onto MEDIA_ROOT (see the README).
MEDIA_INTERNAL_URL = env("MEDIA_INTERNAL_URL", "/_protected_media/")
# How long browsers and shared caches may keep a public file (seconds); a withdrawn
# release's files leave caches after this at the latest.
MEDIA_MAX_AGE = int(env("MEDIA_MAX_AGE", 600))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Shared by every process (the page cache's invalidation and the rate limits rely on it):
# the database, or Redis with CACHE_URL=redis://…
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "newsroom_cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
        if env("CACHE_URL") is None
        else {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("CACHE_URL"),
        }
    )
}

# Whole anonymous public pages in the cache (newsroom/pagecache): on in production (off
# while developing, so that an edited template shows at once), or as PAGE_CACHE says;
# a stored page lives at most this long (and never past the next scheduled release).
PAGE_CACHE = env_bool("PAGE_CACHE", not DEBUG)
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", 600))

# Email: EMAIL_HOST selects SMTP; without it, messages are printed to the console.
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", 25))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", 30))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "pressrum@example.se")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Background work: django-tasks. By default the database backend (django-tasks-db), run by
# `manage.py db_worker`, as many as wanted on as many machines. With TASKS_REDIS_URL, RQ on
# that Redis instead (django-tasks-rq), run by
# `manage.py rqworker --with-scheduler --job-class django_tasks_rq.Job default` (the
# scheduler runs the tasks deferred with `run_after`, such as retries after an SMTP outage).
TASKS_REDIS_URL = env("TASKS_REDIS_URL")
if TASKS_REDIS_URL:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # A fan-out batch or a digest run may take minutes: RQ's default of 180 s is too short.
    RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    # No RQ dashboard in the admin (newsroom.site.admin composes the admin).
    RQ_SHOW_ADMIN_LINK = False
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Uploads
MEDIABANK_MAX_IMAGE_BYTES = int(env("MEDIABANK_MAX_IMAGE_BYTES", 20 * 1024 * 1024))
MEDIABANK_MAX_IMAGE_PIXELS = int(env("MEDIABANK_MAX_IMAGE_PIXELS", 60_000_000))
MEDIABANK_MAX_DOCUMENT_BYTES = int(env("MEDIABANK_MAX_DOCUMENT_BYTES", 25 * 1024 * 1024))

# How long a release's preview link works (days).
RELEASE_PREVIEW_DAYS = int(env("RELEASE_PREVIEW_DAYS", 7))

LOGIN_URL = "admin:login"
# The admin's address (default admin/); another one keeps it out of reach of scripts that
# knock on /admin/.
ADMIN_URL = env("ADMIN_URL", "admin/").strip("/") + "/"
if ADMIN_URL == "/":
    raise ImproperlyConfigured("ADMIN_URL must not be empty.")

# Only staff have sessions: they end a working day after logging in, and with the browser.
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", 9 * 60 * 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Failed logins (django-axes): after LOGIN_FAILURE_LIMIT failures an account (whatever the
# address) and an address (whatever the account) are locked for LOGIN_COOLOFF_MINUTES; even
# the right password is refused meanwhile. Counted in the database, so across processes.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(env("LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "newsroom.core.web.client_address"
AXES_LOCKOUT_CALLABLE = "newsroom.core.login.lockout_response"
AXES_VERBOSE = False

# Two factors (django-otp, TOTP): mandatory for editors and administrators when on; on by
# default in production, off in development and the demo.
OTP_REQUIRED_FOR_EDITORS = env_bool("OTP_REQUIRED_FOR_EDITORS", not DEBUG)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Newsroom")

# bench/run only: routes /bench/ceiling/, a bare 20 KB page (the benchmark's ceiling).
BENCHMARK_CEILING = env_bool("BENCHMARK_CEILING", False)

# Content-Security-Policy on every response (django-csp). Nothing inline runs or styles a
# page without the request's nonce; the public pages need none (so a cached page stays valid
# for every reader): only the admin's rich-text editor asks for one, for its import map.
# The release page's JSON-LD is a data block, which script-src does not govern.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features the newsroom never uses stay off for it and anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Behind a proxy: the request header with the client's address, for rate limits
# (e.g. HTTP_X_FORWARDED_FOR); unset means REMOTE_ADDR.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER")

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    # Both commit the agency's whole domain (every subdomain, and browsers' built-in lists):
    # opt-in only.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # `check --deploy` recommends both; leaving them off is this project's deliberate default.
    SILENCED_SYSTEM_CHECKS = [
        check
        for check, opted_in in (
            ("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
            ("security.W021", SECURE_HSTS_PRELOAD),
        )
        if not opted_in
    ]
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes logs every failed login at INFO; lockouts are logged as warnings.
        "axes": {"level": "WARNING"},
    },
}


# taggit's Tag is not ours: its public page (the tag's releases) is named here.
def _tag_url(tag):
    from django.urls import reverse

    return reverse("releases:tag", kwargs={"slug": tag.slug})


ABSOLUTE_URL_OVERRIDES = {"taggit.tag": _tag_url}
# Tags typed in a form: control characters separate tags as spaces do (newsroom/core/text.py).
TAGGIT_TAGS_FROM_STRING = "newsroom.core.text.parse_tags"

# Subscriptions and email delivery (newsroom/subscriptions). The README's configuration
# table describes the ones an operator sets from the environment; the others are the
# delivery machinery's tuning, set here and nowhere else (tests override them as settings).
SUBSCRIPTIONS_DIGEST_HOUR = int(env("SUBSCRIPTIONS_DIGEST_HOUR", 8))
SUBSCRIPTIONS_DIGEST_TIME_ZONE = env("SUBSCRIPTIONS_DIGEST_TIME_ZONE", "Europe/Stockholm")
SUBSCRIPTIONS_ERASE_AFTER_DAYS = int(env("SUBSCRIPTIONS_ERASE_AFTER_DAYS", 30))
SUBSCRIPTIONS_RATE_PER_IP = env("SUBSCRIPTIONS_RATE_PER_IP", "20/h")
SUBSCRIPTIONS_RATE_PER_ADDRESS = env("SUBSCRIPTIONS_RATE_PER_ADDRESS", "3/h")
# The mailto: part of List-Unsubscribe; defaults to DEFAULT_FROM_EMAIL.
SUBSCRIPTIONS_UNSUBSCRIBE_MAILTO = env("SUBSCRIPTIONS_UNSUBSCRIBE_MAILTO", DEFAULT_FROM_EMAIL)

# Deliveries per batch task (one SMTP connection each), and how many a batch claims at a time.
SUBSCRIPTIONS_BATCH_SIZE = 500
SUBSCRIPTIONS_CLAIM_CHUNK = 20
# Attempts before a temporarily failing email is marked failed; the first retry's delay
# (doubling with each attempt); permanent (5xx) failures in a row before a subscriber
# gets no more email.
SUBSCRIPTIONS_MAX_ATTEMPTS = 5
SUBSCRIPTIONS_RETRY_BACKOFF_SECONDS = 60
SUBSCRIPTIONS_BOUNCE_THRESHOLD = 3
# A claim not renewed for this long means its worker died: the recovery takes it up again.
# A live batch renews its claims every quarter of this; keep it above 4 × EMAIL_TIMEOUT.
SUBSCRIPTIONS_CLAIM_TIMEOUT_SECONDS = 120
# Backoff after a refused or dropped SMTP connection: doubles from the first, at most the max.
SUBSCRIPTIONS_CONNECT_RETRY_SECONDS = 10
SUBSCRIPTIONS_CONNECT_RETRY_MAX_SECONDS = 60
# A release whose public date is older than this does not notify.
SUBSCRIPTIONS_BACKDATE_LIMIT_HOURS = 48
# Lifetime of confirmation and manage links (unsubscribe links never expire).
SUBSCRIPTIONS_CONFIRM_MAX_AGE_DAYS = 7
SUBSCRIPTIONS_MANAGE_MAX_AGE_DAYS = 365
# Bump when the consent text changes; each subscriber keeps the version they agreed to.
SUBSCRIPTIONS_CONSENT_VERSION = "2026-11-1"
