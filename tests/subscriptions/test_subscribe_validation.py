"""Addresses that only go wrong once lower-cased: the form says so, never a 500."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from newsroom.subscriptions import services
from newsroom.subscriptions.forms import SubscribeForm
from newsroom.subscriptions.models import Subscriber

from .test_subscribe import form_data

pytestmark = pytest.mark.django_db

DOTTED_I = "a@" + "\u0130" * 32 + ".se"


def test_an_address_invalid_once_lower_cased_is_a_form_error(client, agency):
    response = client.post(reverse("subscriptions:subscribe"), form_data(email=DOTTED_I))
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert not Subscriber.objects.exists()


def test_the_form_stores_the_normal_form(agency):
    form = SubscribeForm(form_data(email="  Journalist@Example.SE "))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "journalist@example.se"


def test_a_validation_error_from_the_service_shows_the_form(client, agency):
    with mock.patch.object(
        services, "subscriber_request", side_effect=ValidationError({"email": ["bad"]})
    ):
        response = client.post(reverse("subscriptions:subscribe"), form_data())
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
