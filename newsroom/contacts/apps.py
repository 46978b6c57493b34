from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from newsroom.core.roles import EDITOR, PRESS_OFFICER


class ContactsConfig(AppConfig):
    name = "newsroom.contacts"
    label = "contacts"
    verbose_name = _("Press contacts")
    role_permissions = {
        PRESS_OFFICER: {"contacts.presscontact": ["view"]},
        EDITOR: {"contacts.presscontact": ["add", "change", "delete"]},
    }
