import os
import subprocess
import sys

from django.conf import settings


def _check(env):
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
            },
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
            **env,
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_secret_key_and_hosts():
    result = _check({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_its_required_settings():
    result = _check({"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "news.example.se"})
    assert result.returncode == 0, result.stderr


def test_development_defaults_need_nothing_set():
    assert _check({}).returncode == 0


# The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for the live server; a deployment never does.
_NOT_INHERITED = ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")


def test_production_settings_pass_the_deployment_checks():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "k" * 20 + "Xy9!" * 10,
        "ALLOWED_HOSTS": "news.example.se",
        "SITE_URL": "https://news.example.se",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={
            **{k: v for k, v in os.environ.items() if k not in _NOT_INHERITED},
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
            **env,
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_suite_runs_with_the_settings_a_deployment_derives_from_debug_off():
    # base.py read DEBUG=0, not a development DEBUG flipped afterwards by the test settings.
    assert settings.DEBUG is False
    assert "insecure" not in settings.SECRET_KEY
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS == 60 * 60 * 24 * 365
    assert settings.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert settings.CSRF_TRUSTED_ORIGINS == [settings.SITE_URL]


def test_the_test_settings_leave_the_environment_as_they_found_it():
    assert "SECURE_SSL_REDIRECT" not in os.environ or os.environ["SECURE_SSL_REDIRECT"] != "0"
    assert os.environ.get("SECRET_KEY") != "test-only-secret-key-not-for-any-deployment-0123456789"


def test_the_settings_make_no_folder_when_imported():
    # No tempfile.mkdtemp() at import: importing the test settings creates nothing.
    code = (
        "import tempfile, unittest.mock as m\n"
        "with m.patch.object(tempfile, 'mkdtemp', side_effect=AssertionError('mkdtemp')):\n"
        "    import newsroom.settings.test\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_internal_tuning_is_not_read_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SUBSCRIPTIONS_BATCH_SIZE, s.SUBSCRIPTIONS_MAX_ATTEMPTS, "
        "s.SUBSCRIPTIONS_DIGEST_HOUR)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
            "SUBSCRIPTIONS_BATCH_SIZE": "7",
            "SUBSCRIPTIONS_MAX_ATTEMPTS": "9",
            "SUBSCRIPTIONS_DIGEST_HOUR": "6",  # operator-facing: read
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["500", "5", "6"]


def test_production_settings_cache_templates_keep_connections_and_hash_static_files():
    """Cached template loaders (Django's default when no loaders are named), persistent
    database connections, on SQLite too, with a health check before reuse, and static files
    with hashed names."""
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "from django.template import engines; "
        "print([type(l).__module__ for l in engines['django'].engine.template_loaders]); "
        "d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']); "
        "print(s.STORAGES['staticfiles']['BACKEND'])"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "example.se",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=settings.BASE_DIR, capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == [
        "['django.template.loaders.cached']",
        "60 True",
        # Hashed names (served by WhiteNoise with a year's cache headers), compressed.
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]
