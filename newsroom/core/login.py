"""The admin's door: a password, then a TOTP code for whoever has an authenticator enrolled.

Two-factor authentication comes from django-otp. `OTP_REQUIRED_FOR_EDITORS` (on in
production, off in the demo and the test suite) makes it mandatory for editors,
administrators and superusers: they cannot log in without a confirmed TOTP device, and a
session of theirs that was not verified by one (made before the setting was turned on) is
logged out of the admin. Press officers may enrol one and then must use it. Failed
passwords are counted and locked out by django-axes (see the settings).
"""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device
from django_otp.forms import OTPAuthenticationFormMixin

from . import roles


def otp_required_for(user):
    """Whether `user` must log in with a TOTP code (`OTP_REQUIRED_FOR_EDITORS`)."""
    if not getattr(settings, "OTP_REQUIRED_FOR_EDITORS", False) or not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or user.groups.filter(name__in=[roles.EDITOR, roles.ADMINISTRATOR]).exists()
    )


class AdminLoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin's login form: username, password and, for those with an authenticator
    app enrolled, its six-digit code."""

    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=16,
        help_text=_("Six digits. Leave empty if you have no authenticator app enrolled."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )
    # django-otp's mixin reads these two. The device is chosen only by those with several
    # (the template shows the choice then); a TOTP device needs no challenge.
    otp_device = forms.CharField(label=_("Device"), required=False, widget=forms.Select)
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _("Enter the code from your authenticator app."),
        "invalid_token": _("The code is not valid. Enter the code your app shows now."),
    }
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "otp_enrolment_required": _(
            "Editors and administrators log in with a code from an authenticator app, and "
            "this account has none enrolled yet. Ask an administrator to enrol one "
            "(manage.py enrol_totp)."
        ),
    }

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, confirmed=True))
            if len(devices) == 1:
                device = devices[0]
        return device

    def clean(self):
        cleaned_data = super().clean()  # the password, counted by django-axes
        user = self.get_user()
        if user is not None:
            if user_has_device(user, confirmed=True):
                self.clean_otp(user)
            elif otp_required_for(user):
                raise forms.ValidationError(
                    self.error_messages["otp_enrolment_required"], code="otp_enrolment_required"
                )
        return cleaned_data


class RequireVerifiedStaffMiddleware:
    """Logs out of the admin anyone who must use two factors but whose session was not
    verified by one (a session from before `OTP_REQUIRED_FOR_EDITORS` was turned on).

    After django-otp's OTPMiddleware, which gives `request.user.is_verified()`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        admin_root = reverse("admin:index")
        if (
            user is not None
            and request.path.startswith(admin_root)
            and user.is_authenticated
            and not user.is_verified()
            and otp_required_for(user)
        ):
            logout(request)
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return self.get_response(request)


def lockout_response(request, original_response=None, credentials=None):
    """What django-axes answers once an account or an address is locked out (429)."""
    from django.contrib import admin
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": _("Too many failed logins"),
        "minutes": minutes,
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
