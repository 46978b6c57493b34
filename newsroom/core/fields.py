"""Fields every app's models share."""

from django.conf import settings
from django.db import models


class UserStampField(models.ForeignKey):
    """Who did something (created, edited, uploaded, handled): a user, or nobody when a
    command or the system did it or the user was deleted; no reverse accessor on the user.

    Migrations see a plain ForeignKey (see `deconstruct`), so adopting it changes no schema.
    """

    def __init__(self, verbose_name=None, **kwargs):
        kwargs.setdefault("to", settings.AUTH_USER_MODEL)
        kwargs.setdefault("on_delete", models.SET_NULL)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("related_name", "+")
        super().__init__(verbose_name=verbose_name, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ForeignKey", args, kwargs
