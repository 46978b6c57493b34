from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from newsroom.releases.services import release_withdraw

from ._workflow import add_common_arguments, refusal, release_and_user


class Command(BaseCommand):
    help = (
        "Withdraw a public release: its page stays with a notice and the reason, it leaves "
        "lists, feeds and search, and no email goes out."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument("--reason", required=True, help="Shown publicly on the page.")

    def handle(self, *args, release_id, reason, by=None, **options):
        release, user = release_and_user(release_id, by)
        try:
            release_withdraw(release=release, by=user, reason=reason)
        except (ValidationError, PermissionDenied) as error:
            raise refusal(error) from None
        self.stdout.write(self.style.SUCCESS(f"Withdrew “{release.title}”."))
