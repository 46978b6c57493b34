from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from newsroom.core.roles import EDITOR, PRESS_OFFICER


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("Municipalities and funding")
    # Press officers read the reference data and the agency's visits and funding; editors
    # keep visits and funding up to date.
    role_permissions = {
        PRESS_OFFICER: {
            "municipalities.agencyvisit": ["view"],
            "municipalities.fundinground": ["view"],
            "municipalities.grant": ["view"],
            "municipalities.municipality": ["view"],
            "municipalities.county": ["view"],
        },
        EDITOR: {
            "municipalities.agencyvisit": ["add", "change", "delete"],
            "municipalities.fundinground": ["add", "change", "delete"],
            "municipalities.grant": ["add", "change", "delete"],
        },
    }
