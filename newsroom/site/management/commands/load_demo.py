"""`manage.py load_demo`: the reference data and the demo newsroom, for `make run` and tests.

The command loads every app's data, so it lives at the project level (newsroom.site), which
may import every app.
"""

import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from municipalities.models import County
from newsroom.core import roles
from newsroom.core.models import Agency

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

DEMO_USERS = [
    ("kommunikator", roles.PRESS_OFFICER, False),
    ("redaktor", roles.EDITOR, False),
    ("administrator", roles.ADMINISTRATOR, True),
]


class Command(BaseCommand):
    help = (
        "Load the reference data (counties, municipalities) and the demo newsroom, once. "
        "With DEBUG on, also create one demo account per role and print their passwords. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-users", action="store_true", help="Do not create demo accounts.")

    def handle(self, *args, no_users=False, verbosity=1, **options):
        self.verbosity = verbosity
        if not County.objects.exists():
            call_command("loaddata", FIXTURES / "municipalities.json", verbosity=0)
            self._say("Loaded 21 counties and 290 municipalities.")
        if not Agency.objects.exists():
            with transaction.atomic():
                call_command("loaddata", FIXTURES / "demo.json", verbosity=0)
            self._copy_media()
            self._say("Loaded the demo newsroom.")
        else:
            self._say("The newsroom already has content: the demo was not loaded again.")
        if not no_users:
            self._create_users()

    def _say(self, message):
        if self.verbosity:
            self.stdout.write(message)

    def _copy_media(self):
        source = FIXTURES / "media"
        for path in source.rglob("*"):
            if path.is_file():
                target = Path(settings.MEDIA_ROOT) / path.relative_to(source)
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, target)

    def _create_users(self):
        if not settings.DEBUG:
            self._say("DEBUG is off: no demo accounts are created.")
            return
        User = get_user_model()
        if User.objects.filter(username__in=[name for name, _, _ in DEMO_USERS]).exists():
            return
        lines = []
        for username, role, is_superuser in DEMO_USERS:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(
                username=username,
                password=password,
                email=f"{username}@example.se",
                is_staff=True,
                is_superuser=is_superuser,
            )
            user.groups.add(Group.objects.get(name=role))
            lines.append(f"  {role:32} user: {username:14} password: {password}")
        self.stdout.write(
            self.style.SUCCESS("Demo accounts (shown once; change them in the admin):")
        )
        self.stdout.write("\n".join(lines))
