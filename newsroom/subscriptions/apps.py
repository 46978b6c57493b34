from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from newsroom.core.roles import EDITOR


class SubscriptionsConfig(AppConfig):
    name = "newsroom.subscriptions"
    label = "subscriptions"
    verbose_name = _("Subscriptions")
    # Subscribers are personal data: editors handle them (erase on request, unsubscribe),
    # read the delivery records and retry failed emails; press officers never see them.
    role_permissions = {
        EDITOR: {
            "subscriptions.subscriber": ["view", "change", "delete"],
            "subscriptions.subscriberkind": ["view", "add", "change", "delete"],
            "subscriptions.delivery": ["view", "change"],
            "subscriptions.digest": ["view", "change"],
            "subscriptions.announcement": ["view"],
        },
    }

    def ready(self):
        from . import receivers  # noqa: F401 - connects the release signals
