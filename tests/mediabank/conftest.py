from tests.role_fixtures import make_user, officer_client, press_officer  # noqa: F401
