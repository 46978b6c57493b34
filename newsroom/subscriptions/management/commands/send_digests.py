"""Plan due digests and take up interrupted deliveries: for cron or a systemd timer.

Safe to run as often as liked (every 15 minutes, say): each subscriber gets one digest per
period (daily at 08:00, weekly on Mondays at 08:00, Europe/Stockholm), whenever after that
time the command runs. The worker (`manage.py db_worker`) sends what it enqueues.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from newsroom.subscriptions import services
from newsroom.subscriptions.models import Subscriber


class Command(BaseCommand):
    help = "Create and enqueue the due daily and weekly digests, and recover stalled deliveries."

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            choices=["daily", "weekly", "all"],
            default="all",
            help="Which digests to plan (default: both).",
        )
        parser.add_argument(
            "--no-recover",
            action="store_false",
            dest="recover",
            help="Do not take up stale claims and waiting deliveries.",
        )

    def handle(self, *, frequency, recover, **options):
        frequencies = (
            [Subscriber.Frequency.DAILY, Subscriber.Frequency.WEEKLY]
            if frequency == "all"
            else [frequency]
        )
        with transaction.atomic():
            if recover:
                result = services.emails_recover()
                self.stdout.write(f"Recovery: {result}")
            for name in frequencies:
                count = services.digests_plan(frequency=name)
                self.stdout.write(f"{name}: {count} digest(s) enqueued.")
