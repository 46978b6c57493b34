"""Reacting to releases: their signals enqueue the announcement after the commit."""

from django.dispatch import receiver

from newsroom.releases.models import PressRelease
from newsroom.releases.signals import release_published, release_scheduled

from .services import announce_release, enqueue_on_commit


@receiver(release_published, sender=PressRelease, dispatch_uid="subscriptions.published")
def announce_published(sender, release, first_publication, **kwargs):
    # Only a first publication notifies: not an edit, not a re-publication after withdrawal.
    if first_publication and release.send_notification:
        enqueue_on_commit(announce_release, release.pk)


@receiver(release_scheduled, sender=PressRelease, dispatch_uid="subscriptions.scheduled")
def announce_when_due(sender, release, **kwargs):
    # The task checks again when it runs (public? already announced?), so a rescheduled
    # release's earlier task does no harm.
    if release.send_notification and release.publish_at:
        enqueue_on_commit(announce_release, release.pk, run_after=release.publish_at)
