import pytest
from django.db import IntegrityError, transaction

from newsroom.core.models import Agency


def test_there_is_only_ever_one_agency(agency):
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.create(name="En till")
    assert Agency.objects.count() == 1


def test_current_agency_is_a_placeholder_before_setup(db):
    agency = Agency.current()
    assert agency.pk is None
    assert agency.name


def test_roles_exist_with_the_publish_permission_for_editors_only(db):
    from django.contrib.auth.models import Group

    from newsroom.core import roles

    def can_publish(role):
        return (
            Group.objects.get(name=role)
            .permissions.filter(codename="publish_pressrelease")
            .exists()
        )

    assert not can_publish(roles.PRESS_OFFICER)
    assert can_publish(roles.EDITOR)
    assert can_publish(roles.ADMINISTRATOR)


# What each role held when core listed every app's models (before the apps declared theirs).
_OFFICER = {
    "releases.pressrelease": {"add", "change", "view"},
    "releases.quote": {"add", "change", "delete", "view"},
    "releases.releasecontact": {"add", "change", "delete", "view"},
    "releases.releaseimage": {"add", "change", "delete", "view"},
    "mediabank.image": {"add", "change", "view"},
    "mediabank.document": {"add", "change", "view"},
    "contacts.presscontact": {"view"},
    "municipalities.agencyvisit": {"view"},
    "municipalities.fundinground": {"view"},
    "municipalities.grant": {"view"},
    "municipalities.municipality": {"view"},
    "municipalities.county": {"view"},
    "taggit.tag": {"add", "view"},
    "core.agency": {"view"},
}
_EDITOR_EXTRA = {
    "releases.pressrelease": {"delete", "publish"},
    "mediabank.image": {"delete"},
    "mediabank.document": {"delete"},
    "contacts.presscontact": {"add", "change", "delete"},
    "municipalities.agencyvisit": {"add", "change", "delete"},
    "municipalities.fundinground": {"add", "change", "delete"},
    "municipalities.grant": {"add", "change", "delete"},
    "taggit.tag": {"change", "delete"},
    "core.agency": {"change"},
    "core.contentreport": {"view", "change"},
    "subscriptions.subscriber": {"view", "change", "delete"},
    "subscriptions.subscriberkind": {"view", "add", "change", "delete"},
    "subscriptions.delivery": {"view", "change"},
    "subscriptions.digest": {"view", "change"},
    "subscriptions.announcement": {"view"},
}
_ADMIN_EXTRA = {
    "auth.user": {"add", "change", "delete", "view"},
    "auth.group": {"add", "change", "delete", "view"},
    "otp_totp.totpdevice": {"add", "change", "delete", "view"},
    "axes.accessattempt": {"view", "delete"},
    "axes.accessfailurelog": {"view"},
    "axes.accesslog": {"view"},
}


def _codenames(*tables):
    return {
        (model.split(".")[0], f"{action}_{model.split('.')[1]}")
        for table in tables
        for model, actions in table.items()
        for action in actions
    }


def test_each_role_holds_what_its_apps_declare_and_nothing_else(db):
    from django.contrib.auth.models import Group

    from newsroom.core import roles

    expected = {
        roles.PRESS_OFFICER: _codenames(_OFFICER),
        roles.EDITOR: _codenames(_OFFICER, _EDITOR_EXTRA),
        roles.ADMINISTRATOR: _codenames(_OFFICER, _EDITOR_EXTRA, _ADMIN_EXTRA),
    }
    held = {
        group.name: {
            (p.content_type.app_label, p.codename)
            for p in group.permissions.select_related("content_type")
        }
        for group in Group.objects.filter(name__in=expected)
    }
    assert held == expected


def test_every_user_stamp_is_one_field_kind():
    """Who created, edited, uploaded or handled: a UserStampField, nullable, SET_NULL, no
    reverse accessor on the user."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db import models

    from newsroom.core.fields import UserStampField

    stamps = [
        field
        for model in apps.get_models()
        if model._meta.app_label in {"core", "mediabank", "releases", "subscriptions"}
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey) and field.related_model is get_user_model()
    ]
    assert len(stamps) >= 7
    assert all(isinstance(field, UserStampField) for field in stamps), stamps
    assert all(field.null and field.remote_field.on_delete is models.SET_NULL for field in stamps)
    assert all(field.remote_field.related_name == "+" for field in stamps)
