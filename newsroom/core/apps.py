from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "newsroom.core"
    label = "core"
    verbose_name = _("Newsroom")

    @property
    def role_permissions(self):
        from .roles import CORE_ROLE_PERMISSIONS

        return CORE_ROLE_PERMISSIONS

    def ready(self):
        from taggit.models import Tag

        from .roles import sync_roles_after_migrate
        from .text import tag_name_on_one_line

        pre_save.connect(tag_name_on_one_line, sender=Tag, dispatch_uid="newsroom.tag_one_line")

        post_migrate.connect(
            sync_roles_after_migrate, sender=self, dispatch_uid="newsroom.sync_roles"
        )
