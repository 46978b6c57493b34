"""The tasks run by the worker (`manage.py db_worker`); each one is safe to run twice.

Each is defined beside the service it runs (pretix's way: the services enqueue them with no
import cycle); this module lists them, and keeps the paths of tasks queued before they moved
working. Arguments are ids, never objects.
"""

from .services.announcements import announce_release
from .services.sending import send_delivery_batch, send_digest_batch
from .services.subscribers import send_subscriber_email

__all__ = ["announce_release", "send_delivery_batch", "send_digest_batch", "send_subscriber_email"]
