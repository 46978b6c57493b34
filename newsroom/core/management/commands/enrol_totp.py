"""Enrol an authenticator app (TOTP) for a staff user: the first device, from the shell.

Prints the otpauth:// address and its QR code in the terminal; the user scans it with an
authenticator app (any that speaks RFC 6238: FreeOTP, Aegis, Google Authenticator…). More
devices are managed in the admin (OTP_TOTP › TOTP devices, with a QR code).
"""

import io

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Enrol an authenticator app (TOTP) for a user and print its QR code."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Authenticator", help="The device's name.")
        parser.add_argument(
            "--replace", action="store_true", help="Delete the user's other TOTP devices first."
        )

    def handle(self, *args, username, name, replace, **options):
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        if not user.is_staff:
            raise CommandError(f"{username!r} is not staff: only staff log in to the admin.")
        if replace:
            TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        picture = qrcode.QRCode(border=2)
        picture.add_data(device.config_url)
        out = io.StringIO()
        picture.print_ascii(out=out, invert=True)
        self.stdout.write(out.getvalue())
        self.stdout.write(device.config_url)
        self.stdout.write(
            self.style.SUCCESS(
                f"Enrolled {name!r} for {username}: scan the code with an authenticator app. "
                "From now on the admin asks for its six-digit code."
            )
        )
