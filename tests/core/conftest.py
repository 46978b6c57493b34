"""The role fixtures (users in each role and their logged-in clients) for the core tests."""

from tests.role_fixtures import (  # noqa: F401 (fixtures)
    administrator,
    editor,
    editor_client,
    make_user,
    officer_client,
    press_officer,
)
