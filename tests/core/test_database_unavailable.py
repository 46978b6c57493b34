"""While the database cannot be reached, pages answer 503 with Retry-After, no traceback."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from newsroom import views as project_views


def database_down(error=OperationalError):
    message = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
    return mock.patch.object(
        BaseDatabaseWrapper, "ensure_connection", side_effect=error(message), autospec=True
    )


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_is_a_503_with_retry_after_while_the_database_is_down(reader, agency, error):
    with database_down(error):
        response = reader.get("/sv/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "Tillfälligt otillgängligt" in body
    assert "Traceback" not in body and "Connection refused" not in body and "5432" not in body
    # Back by itself once the database answers again: nothing was kept broken.
    assert reader.get("/sv/").status_code == 200


@pytest.mark.django_db
def test_the_503_page_follows_the_language(reader, agency):
    with database_down():
        response = reader.get("/en/releases/")
    assert response.status_code == 503
    assert "Briefly unavailable" in response.content.decode()


@pytest.mark.django_db
def test_a_database_error_before_the_view_is_a_503_too(reader, editor):
    reader.force_login(editor)  # the session and the user are read by middleware
    with database_down():
        response = reader.get("/admin/")
    assert response.status_code == 503


@pytest.mark.django_db
def test_other_errors_stay_a_500(reader, agency):
    with mock.patch.object(
        project_views.HomeView, "get_context_data", side_effect=RuntimeError("a bug")
    ):
        response = reader.get("/sv/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Något gick fel" in response.content.decode()
