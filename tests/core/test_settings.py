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
