from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "newsroom.core"
    label = "core"
    verbose_name = _("Newsroom")

    def ready(self):
        from .roles import sync_roles_after_migrate

        post_migrate.connect(
            sync_roles_after_migrate, sender=self, dispatch_uid="newsroom.sync_roles"
        )
