from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from newsroom.core.roles import EDITOR, PRESS_OFFICER


class MediabankConfig(AppConfig):
    name = "newsroom.mediabank"
    label = "mediabank"
    verbose_name = _("Image bank")
    role_permissions = {
        PRESS_OFFICER: {
            "mediabank.image": ["add", "change", "view"],
            "mediabank.document": ["add", "change", "view"],
        },
        EDITOR: {"mediabank.image": ["delete"], "mediabank.document": ["delete"]},
    }
