from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from newsroom.core.roles import EDITOR, PRESS_OFFICER


class ReleasesConfig(AppConfig):
    name = "newsroom.releases"
    label = "releases"
    verbose_name = _("Press releases")
    # Press officers write; editors also publish, schedule and withdraw (`publish`), and
    # tidy the tags (taggit's, which releases and visits share).
    role_permissions = {
        PRESS_OFFICER: {
            "releases.pressrelease": ["add", "change", "view"],
            "releases.quote": ["add", "change", "delete", "view"],
            "releases.releasecontact": ["add", "change", "delete", "view"],
            "releases.releaseimage": ["add", "change", "delete", "view"],
            "taggit.tag": ["add", "view"],
        },
        EDITOR: {
            "releases.pressrelease": ["delete", "publish"],
            "taggit.tag": ["change", "delete"],
        },
    }
