"""Schemathesis against the API's own OpenAPI schema: generated requests to every operation
(valid and invalid ones), with checks that no answer is a 500 and that every answer matches
the schema (status, content type, body)."""

import datetime as dt

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from newsroom.api.api import api
from tests.conftest import attach_images

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def api_schema(
    db, settings, make_release, make_contact, make_image, make_visit, make_grant, borlange
):
    settings.API_RATE_LIMIT = "100000/m"
    release = make_release(
        tags=["skola"],
        municipalities=[borlange],
        contacts=[make_contact()],
        quotes=[("Anna", "Citat.")],
    )
    attach_images(release, make_image())
    make_visit(date=dt.date(2026, 1, 1)).topics.add("bostad")
    make_grant()
    # The WSGI app runs in this thread, inside the test's transaction: as Django's test
    # client does, keep the request signals from closing the connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = WSGIHandler()
    yield loaded
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
def test_the_api_answers_as_its_schema_says(case):
    # The WSGI client does not undo GZip; a browser would.
    # A schema-valid but unreadable cursor is rightly a 400 ("positive data acceptance"
    # cannot know that a cursor must come from a `next` link).
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
