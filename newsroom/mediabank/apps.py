from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediabankConfig(AppConfig):
    name = "newsroom.mediabank"
    label = "mediabank"
    verbose_name = _("Image bank")
