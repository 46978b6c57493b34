"""End to end: a real SMTP server on 127.0.0.1 (aiosmtpd), the database task backend and a
worker run (`db_worker --batch`), from the subscribe form to the one-click unsubscribe."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.releases.signals import release_published, release_scheduled
from newsroom.subscriptions.models import Delivery, Subscriber

from .helpers import link_in

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def publish(release):
    """What the editorial service does: make it public and say so, in one transaction."""
    with transaction.atomic():
        release.status = PressRelease.Status.PUBLISHED
        release.save()
        release_published.send(sender=PressRelease, release=release, first_publication=True)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_subscribe_confirm_publish_receive_unsubscribe(smtp_server, make_release, agency):
    client = Client()
    response = client.post(
        reverse("subscriptions:subscribe"),
        {
            "email": "Reporter@Example.se ",
            "language": "sv",
            "frequency": "immediate",
            "topics": "all",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    assert smtp_server.messages() == []  # the worker sends, not the web request

    run_worker()
    [confirmation] = smtp_server.messages()
    assert confirmation["To"] == "reporter@example.se"
    confirm_url = link_in(confirmation.get_body(("plain",)).get_content(), "confirm")
    assert client.get(confirm_url).status_code == 200
    assert client.post(confirm_url).status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.ACTIVE

    release = make_release(
        title="Delegationen besöker Borlänge",
        lead="Den 28 november besöker Delegationen mot segregation Borlänge.",
        status=PressRelease.Status.DRAFT,
    )
    publish(release)
    run_worker()
    run_worker()  # a second worker run finds nothing left to send

    messages = smtp_server.messages()
    assert len(messages) == 2
    message = messages[1]
    assert message["To"] == "reporter@example.se"
    assert message["Subject"] == "Delegationen besöker Borlänge"
    assert agency.name in message["From"]
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SENT
    assert message["Message-ID"] == delivery.message_id == delivery.get_message_id()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_header = message["List-Unsubscribe"]
    https_part, mailto_part = [part.strip(" <>") for part in unsubscribe_header.split(",")]
    assert https_part.startswith("http://testserver/sv/subscribe/unsubscribe/")
    assert mailto_part.startswith("mailto:")
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Den 28 november besöker" in text and "Den 28 november besöker" in html
    assert release.get_absolute_url() in text and release.get_absolute_url() in html
    assert agency.name in text and agency.name in html
    assert link_in(text, "manage") and "/subscribe/unsubscribe/" in html

    # RFC 8058: the mail client's one-click POST, without a CSRF token or a page in between.
    one_click = Client(enforce_csrf_checks=True).post(
        https_part.removeprefix("http://testserver"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED

    # Nothing more reaches them.
    publish(make_release(status=PressRelease.Status.DRAFT, title="Efter avregistreringen"))
    run_worker()
    assert len(smtp_server.messages()) == 2


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_scheduled_release_is_sent_by_a_deferred_task(smtp_server, make_subscriber, make_release):
    make_subscriber(email="planerad@example.se")
    publish_at = timezone.now() + dt.timedelta(hours=1)
    release = make_release(
        title="Schemalagd", status=PressRelease.Status.SCHEDULED, publish_at=publish_at
    )
    with transaction.atomic():
        release_scheduled.send(sender=PressRelease, release=release)
    run_worker()
    assert smtp_server.messages() == []  # run_after is in the future
    with time_machine.travel(publish_at + dt.timedelta(minutes=1)):
        run_worker()
    [message] = smtp_server.messages()
    assert message["Subject"] == "Schemalagd" and message["To"] == "planerad@example.se"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS, SUBSCRIPTIONS_BATCH_SIZE=3, SUBSCRIPTIONS_CLAIM_CHUNK=2)
def test_many_subscribers_in_batches_each_gets_exactly_one(
    smtp_server, make_subscriber, make_release
):
    addresses = {make_subscriber().email for _ in range(10)}
    publish(make_release(status=PressRelease.Status.DRAFT))
    run_worker()
    received = [m["To"] for m in smtp_server.messages()]
    assert sorted(received) == sorted(addresses)
    assert len({m["Message-ID"] for m in smtp_server.messages()}) == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(SUBSCRIPTIONS_CLAIM_CHUNK=3)
def test_two_workers_at_once_send_each_delivery_once(make_subscriber, make_release):
    """On PostgreSQL, row locks with SKIP LOCKED: two batches over the same rows, in
    parallel threads (each its own connection), share them out and send each once."""
    import threading

    from django.core import mail
    from django.db import connection, connections

    from newsroom.subscriptions import services

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks")
    release = make_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    ids = [
        Delivery.objects.create(release=release, subscriber=make_subscriber()).pk for _ in range(60)
    ]
    results, errors = [], []

    def worker():
        try:
            results.append(services.emails_send_batch(model=Delivery, ids=ids))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(r["sent"] for r in results) == 60
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Delivery.objects.values_list("subscriber__email", flat=True)
    )
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_publish_through_the_editorial_service(
    smtp_server, make_subscriber, make_release, make_contact, agency
):
    """With the editorial issue's service (on main once both are merged): its
    `release_published` signal is what starts the fan-out."""
    release_services = pytest.importorskip("newsroom.releases.services")
    from django.contrib.auth import get_user_model

    make_subscriber(email="tjanst@example.se")
    editor = get_user_model().objects.create_superuser("redaktor", "redaktor@example.se", "x")
    release = make_release(
        status=PressRelease.Status.DRAFT, title="Via tjänsten", contacts=[make_contact()]
    )
    release_services.release_publish(release=release, by=editor)
    run_worker()
    [message] = smtp_server.messages()
    assert message["Subject"] == "Via tjänsten" and message["To"] == "tjanst@example.se"
    assert Delivery.objects.get().status == Delivery.Status.SENT
