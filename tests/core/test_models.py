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
