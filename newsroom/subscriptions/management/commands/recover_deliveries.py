from django.core.management.base import BaseCommand
from django.db import transaction

from newsroom.subscriptions import services


class Command(BaseCommand):
    help = (
        "Take up what a stopped worker left: stale claims back to pending, waiting deliveries "
        "and due scheduled releases enqueued again. Idempotent (send_digests runs it too)."
    )

    def handle(self, **options):
        with transaction.atomic():
            result = services.emails_recover()
        self.stdout.write(str(result))
