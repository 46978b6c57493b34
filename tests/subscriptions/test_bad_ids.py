"""Ids a browser would never send: a form error, never a 500."""

import pytest
from django.urls import reverse

from newsroom.subscriptions.models import Subscriber
from newsroom.subscriptions.tokens import make_token

from .test_subscribe import form_data

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = ["99999999999999999999999", "-99999999999999999999999", str(2**63), "1e5", "٣"]


@pytest.mark.parametrize("tag_id", OUT_OF_RANGE)
def test_an_out_of_range_tag_id_on_the_subscribe_form_is_a_form_error(client, agency, tag_id):
    response = client.post(
        reverse("subscriptions:subscribe"), form_data(topics="chosen", tags=[tag_id])
    )
    assert response.status_code == 400
    assert response.context["form"].errors["tags"]
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("tag_id", OUT_OF_RANGE)
def test_an_out_of_range_tag_id_on_the_manage_form_is_a_form_error(
    client, agency, make_subscriber, tag_id
):
    subscriber = make_subscriber()
    url = reverse("subscriptions:manage", kwargs={"token": make_token(subscriber, "manage")})
    response = client.post(
        url, {"language": "sv", "frequency": "weekly", "topics": "chosen", "tags": [tag_id]}
    )
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["tags"]
    subscriber.refresh_from_db()
    assert subscriber.all_topics and subscriber.frequency != "weekly"


@pytest.mark.parametrize(
    "field, value", [("counties", "20\x00"), ("municipalities", "2081\x00"), ("tags", "1\x00")]
)
def test_a_nul_byte_in_a_chosen_topic_is_a_form_error(client, agency, borlange, field, value):
    # PostgreSQL refuses NUL in a text parameter: it must not reach the query.
    response = client.post(
        reverse("subscriptions:subscribe"), form_data(topics="chosen", **{field: [value]})
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Subscriber.objects.exists()
