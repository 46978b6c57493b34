"""`manage.py seed_bench`: benchmark content in bulk, never over a real newsroom's content."""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import clear_url_caches

from newsroom.releases.models import PressRelease
from newsroom.subscriptions.models import Subscriber


@pytest.mark.django_db
def test_seed_bench_fills_an_empty_database_and_replaces_its_own_content():
    call_command("seed_bench", releases=50, subscribers=20)
    assert PressRelease.objects.count() == 50
    assert PressRelease.objects.public().count() > 40
    assert Subscriber.objects.count() == 20
    first = set(PressRelease.objects.values_list("pk", flat=True))
    public = PressRelease.objects.public().first()
    assert public.tags.exists() and public.contacts.exists()

    call_command("seed_bench", releases=30, subscribers=5)
    assert PressRelease.objects.count() == 30
    assert Subscriber.objects.count() == 5
    assert not first & set(PressRelease.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_seed_bench_refuses_a_database_with_real_content(make_release):
    real = make_release(title="Ett riktigt pressmeddelande")
    with pytest.raises(CommandError, match="refusing"):
        call_command("seed_bench", releases=10, subscribers=0)
    assert list(PressRelease.objects.all()) == [real]


@pytest.mark.django_db
def test_seed_bench_refuses_a_real_agency(agency):
    with pytest.raises(CommandError, match="refusing"):
        call_command("seed_bench", releases=10, subscribers=0)
    assert not PressRelease.objects.exists()


@pytest.mark.django_db
def test_the_benchmark_ceiling_is_routed_only_when_enabled(client):
    assert client.get("/bench/ceiling/").status_code == 404
    import importlib

    import newsroom.urls

    try:
        with override_settings(BENCHMARK_CEILING=True):
            importlib.reload(newsroom.urls)
            clear_url_caches()
            response = client.get("/bench/ceiling/")
            assert response.status_code == 200
            assert len(response.content) >= 20_000
    finally:
        importlib.reload(newsroom.urls)
        clear_url_caches()
    assert client.get("/bench/ceiling/").status_code == 404
