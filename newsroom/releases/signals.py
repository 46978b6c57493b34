"""Signals by which higher apps (subscriptions) react to releases without releases knowing them.

Both are sent by the publishing services inside their transaction; a receiver that enqueues
work does so with `transaction.on_commit`.
"""

from django.dispatch import Signal

# A release became public now (published, or its scheduled time was set in the past).
# Arguments: release (PressRelease), first_publication (bool: never public before).
release_published = Signal()

# A release was scheduled to become public at `release.publish_at` (in the future).
# Arguments: release (PressRelease).
release_scheduled = Signal()
