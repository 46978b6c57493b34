from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "newsroom.subscriptions"
    label = "subscriptions"
    verbose_name = _("Subscriptions")

    def ready(self):
        from . import receivers  # noqa: F401 - connects the release signals
