"""Users in each role and logged-in clients for them; conftest files import these fixtures."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from newsroom.core import roles


@pytest.fixture
def make_user(db):
    def make(username, role=None, **fields):
        user = get_user_model().objects.create_user(
            username=username, password="pw-for-tests-only", is_staff=True, **fields
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def press_officer(make_user):
    return make_user(
        "kommunikator", roles.PRESS_OFFICER, first_name="Kim", last_name="Kommunikatör"
    )


@pytest.fixture
def editor(make_user):
    return make_user("redaktor", roles.EDITOR, first_name="Rut", last_name="Redaktör")


@pytest.fixture
def administrator(make_user):
    return make_user("administrator", roles.ADMINISTRATOR)


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer_client(press_officer):
    return _client_for(press_officer)


@pytest.fixture
def editor_client(editor):
    return _client_for(editor)
