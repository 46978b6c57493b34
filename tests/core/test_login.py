"""The admin's door: lockout after failed passwords (django-axes), two factors for editors
and administrators (django-otp), strong passwords, sessions of a working day, a
configurable admin address."""

import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "pw-for-tests-only"
LOGIN = "/admin/login/?next=/admin/"


def log_in(client, username, password=PASSWORD, token="", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, "otp_token": token}, **extra
    )


def logged_in(client):
    response = client.get("/admin/")
    return response.status_code == 200


def code_for(device):
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:06d}"


# Lockout ---------------------------------------------------------------------------------


def test_thirty_wrong_passwords_then_the_right_one_do_not_log_in(editor, agency):
    client = Client()
    for _ in range(30):
        response = log_in(client, editor.username, "wrong password")
        assert response.status_code in (200, 429)
    response = log_in(client, editor.username)
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert "För många misslyckade inloggningar" in page
    assert "15 minuter" in page
    assert response["Retry-After"] == "900"


def test_the_account_is_locked_from_another_address_too(editor, agency):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        log_in(attacker, editor.username, "wrong password")
    colleague = Client(REMOTE_ADDR="198.51.100.20")
    assert log_in(colleague, editor.username).status_code == 429
    assert not logged_in(colleague)


def test_an_address_trying_many_accounts_is_locked(make_user, agency):
    users = [make_user(f"user{n}") for n in range(6)]
    attacker = Client(REMOTE_ADDR="203.0.113.8")
    for user in users[:5]:
        log_in(attacker, user.username, "wrong password")
    assert log_in(attacker, users[5].username).status_code == 429
    assert not logged_in(attacker)
    # Another address may still log in to that account.
    other = Client(REMOTE_ADDR="198.51.100.21")
    assert log_in(other, users[5].username).status_code == 302
    assert logged_in(other)


def test_behind_a_proxy_the_forwarded_address_is_locked(settings, make_user, agency):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    users = [make_user(f"proxied{n}") for n in range(6)]
    # Everyone comes through the proxy at 10.0.0.1; the proxy appends the client's address.
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    for user in users[:5]:
        log_in(attacker, user.username, "wrong password")
    assert log_in(attacker, users[5].username).status_code == 429
    reader = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.22")
    assert log_in(reader, users[5].username).status_code == 302


def test_a_few_mistakes_do_not_lock_and_success_resets_the_count(editor, agency):
    client = Client()
    for _ in range(4):
        assert log_in(client, editor.username, "wrong password").status_code == 200
    assert log_in(client, editor.username).status_code == 302
    client.logout()
    for _ in range(4):
        log_in(client, editor.username, "wrong password")
    assert log_in(client, editor.username).status_code == 302


# Two factors -----------------------------------------------------------------------------


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED_FOR_EDITORS = True


def test_an_enrolled_user_needs_the_code(editor, agency):
    device = TOTPDevice.objects.create(user=editor, name="Telefon", confirmed=True)
    client = Client()
    response = log_in(client, editor.username)
    assert response.status_code == 200 and not logged_in(client)
    assert "Ange koden från din autentiseringsapp." in response.content.decode()
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = log_in(client, editor.username, token=wrong)
    assert response.status_code == 200 and not logged_in(client)
    # django-otp throttles the device after a wrong code (1 s, doubling): right away, even
    # the right code is refused.
    response = log_in(client, editor.username, token=code_for(device))
    assert response.status_code == 200 and not logged_in(client)
    device.refresh_from_db()
    device.throttle_reset()
    response = log_in(client, editor.username, token=code_for(device))
    assert response.status_code == 302 and logged_in(client)


def test_the_login_page_asks_for_the_code(client, agency):
    page = client.get(LOGIN).content.decode()
    assert 'name="otp_token"' in page and 'autocomplete="one-time-code"' in page
    assert "Kod från din autentiseringsapp" in page


def test_with_otp_required_an_editor_without_a_device_cannot_log_in(otp_required, editor, agency):
    client = Client()
    response = log_in(client, editor.username)
    assert response.status_code == 200 and not logged_in(client)
    assert "manage.py enrol_totp" in response.content.decode()


def test_with_otp_required_a_press_officer_still_logs_in_with_a_password(
    otp_required, press_officer, agency
):
    client = Client()
    assert log_in(client, press_officer.username).status_code == 302
    assert logged_in(client)


def test_with_otp_required_an_unverified_editor_session_is_logged_out(otp_required, editor):
    client = Client()
    client.force_login(editor)  # a session from before two factors were required
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not logged_in(client)


def test_enrolment_by_command_then_login_with_the_code(otp_required, editor, agency, capsys):
    call_command("enrol_totp", editor.username, name="Telefon")
    out = capsys.readouterr().out
    device = TOTPDevice.objects.get(user=editor)
    assert device.confirmed and device.config_url in out and "█" in out
    client = Client()
    assert log_in(client, editor.username, token=code_for(device)).status_code == 302
    assert logged_in(client)


def test_administrators_manage_totp_devices_in_the_admin(admin_client, editor):
    device = TOTPDevice.objects.create(user=editor, name="Telefon", confirmed=True)
    page = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    qr = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")
    assert qr.status_code == 200
    code = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert code.status_code == 200 and code["Content-Type"].startswith("image/svg+xml")


# Passwords, sessions, the admin address -------------------------------------------------


@pytest.mark.parametrize(
    "password", ["short1!", "password1234", "123456789012345", "redaktor2026!"]
)
def test_weak_passwords_are_refused(editor, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=editor)


def test_a_long_uncommon_password_is_accepted(editor):
    validate_password("lingon-fjäll-cykel-47", user=editor)


def test_staff_sessions_end_after_a_working_day(editor, agency):
    from django.conf import settings

    client = Client()
    assert log_in(client, editor.username).status_code == 302
    assert settings.SESSION_COOKIE_AGE == 9 * 60 * 60
    assert client.session.get_expiry_age() <= 9 * 60 * 60


def _settings_value(env, expression):
    import os

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            f"from django.urls import reverse; print({expression})",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings.base", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "news.example.se"}


def test_the_admin_address_is_configurable():
    assert _settings_value({}, "reverse('admin:index')") == "/admin/"
    assert _settings_value({"ADMIN_URL": "redaktion/"}, "reverse('admin:index')") == "/redaktion/"


def test_two_factors_are_required_in_production_and_not_in_the_demo():
    assert _settings_value(PRODUCTION, "settings.OTP_REQUIRED_FOR_EDITORS") == "True"
    assert _settings_value({"DEBUG": "1"}, "settings.OTP_REQUIRED_FOR_EDITORS") == "False"
    env = {**PRODUCTION, "OTP_REQUIRED_FOR_EDITORS": "0"}
    assert _settings_value(env, "settings.OTP_REQUIRED_FOR_EDITORS") == "False"


def test_an_administrator_enrols_a_colleagues_device_and_unlocks_an_account(
    administrator, editor, agency
):
    client = Client()
    client.force_login(administrator)
    response = client.post(
        "/admin/otp_totp/totpdevice/add/",
        {
            "user": editor.pk,
            "name": "Telefon",
            "key": TOTPDevice().key,
            "step": 30,
            "t0": 0,
            "digits": 6,
            "tolerance": 1,
            "drift": 0,
            "confirmed": "on",
            "throttling_failure_count": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    device = TOTPDevice.objects.get(user=editor)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 200
    for _ in range(5):
        log_in(Client(), editor.username, "wrong password")
    assert log_in(Client(), editor.username, token=code_for(device)).status_code == 429
    assert client.get("/admin/axes/accessattempt/").status_code == 200
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username=editor.username)
    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert log_in(Client(), editor.username, token=code_for(device)).status_code == 302


def test_a_garbled_forwarded_address_falls_back_to_the_peer(settings, editor, agency):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, not-an-address")
    assert log_in(client, editor.username, "wrong password").status_code == 200
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get().ip_address == "10.0.0.1"
