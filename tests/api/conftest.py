import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and the generation start afresh in every test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def get_json(client, db):
    def get(path, status=200, **headers):
        response = client.get(path, **headers)
        assert response.status_code == status, (response.status_code, response.content[:500])
        assert response["Content-Type"].startswith("application/json")
        return response.json()

    return get
