from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class PageCacheConfig(AppConfig):
    """The public page cache (see the package): its signals make every change visible."""

    name = "newsroom.pagecache"
    label = "pagecache"

    def ready(self):
        from . import changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(changed, dispatch_uid=f"newsroom.pagecache.{signal!r}")
