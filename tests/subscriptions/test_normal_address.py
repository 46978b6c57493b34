"""Every path stores an address in its normal form (stripped, lower case): no one twice."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from newsroom.subscriptions.models import Subscriber

pytestmark = pytest.mark.django_db


def test_save_stores_the_normal_form(make_subscriber):
    subscriber = make_subscriber(email="  Journalist@Example.SE ")
    subscriber.refresh_from_db()
    assert subscriber.email == "journalist@example.se"


def test_full_clean_refuses_the_same_address_in_other_case(make_subscriber):
    make_subscriber(email="journalist@example.se")
    with pytest.raises(ValidationError) as caught:
        Subscriber(email="Journalist@Example.SE").full_clean(exclude=["key"])
    assert "email" in caught.value.message_dict


def test_admin_cannot_add_the_same_person_twice(admin_client, make_subscriber):
    make_subscriber(email="journalist@example.se")
    response = admin_client.post(
        reverse("admin:subscriptions_subscriber_add"),
        {
            "email": "Journalist@Example.SE",
            "language": "sv",
            "frequency": "immediate",
            "all_topics": "on",
            "kind_topics-TOTAL_FORMS": "0",
            "kind_topics-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert Subscriber.objects.count() == 1


def test_admin_saves_the_normal_form(admin_client, agency):
    admin_client.post(
        reverse("admin:subscriptions_subscriber_add"),
        {
            "email": "Ny@Example.SE",
            "language": "sv",
            "frequency": "immediate",
            "all_topics": "on",
            "kind_topics-TOTAL_FORMS": "0",
            "kind_topics-INITIAL_FORMS": "0",
        },
    )
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["ny@example.se"]
