from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsroom.releases.services import release_publish, release_schedule

from ._workflow import add_common_arguments, refusal, release_and_user


def parse_moment(value):
    """ISO 8601; without an offset, the newsroom's time (Europe/Stockholm)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--at: {value!r} is not an ISO 8601 date and time.") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "Publish a release now, or with --at schedule it for a future moment "
        "(ISO 8601; without an offset, Swedish time). Uses the same rules as the admin."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument("--at", help="When to publish, e.g. 2026-12-01T09:00 or …+01:00.")

    def handle(self, *args, release_id, by=None, at=None, **options):
        release, user = release_and_user(release_id, by)
        try:
            if at:
                release_schedule(release=release, by=user, publish_at=parse_moment(at))
            else:
                release_publish(release=release, by=user)
        except (ValidationError, PermissionDenied) as error:
            raise refusal(error) from None
        release.refresh_from_db()
        if at:
            when = timezone.localtime(release.publish_at).isoformat()
            self.stdout.write(self.style.SUCCESS(f"Scheduled “{release.title}” for {when}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Published “{release.title}”."))
