"""GDPR: erase the addresses of subscribers who left (or never confirmed) long enough ago."""

from django.conf import settings
from django.core.management.base import BaseCommand

from newsroom.subscriptions import services


class Command(BaseCommand):
    help = (
        "Erase subscribers unsubscribed, or never confirmed, more than "
        "SUBSCRIPTIONS_ERASE_AFTER_DAYS days ago. Idempotent: run it daily."
    )

    def handle(self, **options):
        count = services.subscribers_erase_expired()
        days = settings.SUBSCRIPTIONS_ERASE_AFTER_DAYS
        self.stdout.write(f"Erased {count} subscriber(s) (after {days} days).")
