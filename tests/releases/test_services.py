"""Every transition and every refused one, through the one service module."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from newsroom.releases import services
from newsroom.releases.checklist import blocking_problems
from newsroom.releases.models import PressRelease, ReleaseEvent, ReleaseImage
from newsroom.releases.signals import release_published, release_scheduled

Status = PressRelease.Status


@pytest.fixture
def signals():
    """What the publishing signals carried, in order."""
    sent = []

    def on_published(sender, release, first_publication, **kwargs):
        sent.append(("published", release.pk, first_publication))

    def on_scheduled(sender, release, **kwargs):
        sent.append(("scheduled", release.pk, release.publish_at))

    release_published.connect(on_published, dispatch_uid="test-published")
    release_scheduled.connect(on_scheduled, dispatch_uid="test-scheduled")
    yield sent
    release_published.disconnect(dispatch_uid="test-published")
    release_scheduled.disconnect(dispatch_uid="test-scheduled")


def _status(release):
    return PressRelease.objects.get(pk=release.pk).status


def test_submit_moves_a_draft_to_review_and_records_who_and_why(draft, press_officer):
    services.release_submit(release=draft, by=press_officer, comment="Klar för granskning")
    assert _status(draft) == Status.IN_REVIEW
    event = draft.events.get(action=ReleaseEvent.Action.SUBMIT)
    assert (event.by, event.from_status, event.to_status, event.comment) == (
        press_officer,
        Status.DRAFT,
        Status.IN_REVIEW,
        "Klar för granskning",
    )


def test_return_to_draft_needs_a_comment(in_review, editor):
    with pytest.raises(services.TransitionError):
        services.release_return_to_draft(release=in_review, by=editor, comment="  ")
    assert _status(in_review) == Status.IN_REVIEW
    services.release_return_to_draft(release=in_review, by=editor, comment="Korta ingressen.")
    assert _status(in_review) == Status.DRAFT
    assert in_review.events.get(action="return").comment == "Korta ingressen."


def test_publish_from_review_makes_it_public_and_signals_first_publication(
    in_review, editor, signals
):
    services.release_publish(release=in_review, by=editor)
    release = PressRelease.objects.get(pk=in_review.pk)
    assert release.status == Status.PUBLISHED
    assert release.published_at is not None and release.published_at <= timezone.now()
    assert PressRelease.objects.public().filter(pk=release.pk).exists()
    assert signals == [("published", release.pk, True)]


def test_schedule_in_the_future_then_public_at_that_second(in_review, editor, signals):
    moment = timezone.now() + dt.timedelta(hours=2)
    services.release_schedule(release=in_review, by=editor, publish_at=moment)
    release = PressRelease.objects.get(pk=in_review.pk)
    assert (release.status, release.publish_at, release.published_at) == (
        Status.SCHEDULED,
        moment,
        moment,
    )
    assert not PressRelease.objects.public().filter(pk=release.pk).exists()
    assert signals == [("scheduled", release.pk, moment)]
    PressRelease.objects.filter(pk=release.pk).update(publish_at=timezone.now())
    assert PressRelease.objects.public().filter(pk=release.pk).exists()


@pytest.mark.parametrize("delta", [dt.timedelta(0), -dt.timedelta(minutes=1)])
def test_scheduling_now_or_in_the_past_is_refused(in_review, editor, signals, delta):
    with pytest.raises(services.TransitionError) as error:
        services.release_schedule(release=in_review, by=editor, publish_at=timezone.now() + delta)
    assert "framtiden" in str(error.value)
    assert _status(in_review) == Status.IN_REVIEW
    assert signals == []


def test_unschedule_returns_a_scheduled_release_to_draft(in_review, editor):
    services.release_schedule(
        release=in_review, by=editor, publish_at=timezone.now() + dt.timedelta(days=1)
    )
    services.release_unschedule(release=in_review, by=editor)
    release = PressRelease.objects.get(pk=in_review.pk)
    assert (release.status, release.publish_at, release.published_at) == (Status.DRAFT, None, None)


def test_a_scheduled_release_whose_time_came_cannot_be_unscheduled(in_review, editor):
    services.release_schedule(
        release=in_review, by=editor, publish_at=timezone.now() + dt.timedelta(days=1)
    )
    PressRelease.objects.filter(pk=in_review.pk).update(
        publish_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(services.TransitionError):
        services.release_unschedule(release=in_review, by=editor)
    # …but it can be withdrawn, being public.
    services.release_withdraw(release=in_review, by=editor, reason="Fel uppgifter.")
    assert _status(in_review) == Status.WITHDRAWN


def test_withdraw_keeps_the_page_with_the_reason_and_sends_no_signal(
    make_release, editor, client, signals
):
    release = make_release(title="Ska dras tillbaka")
    services.release_withdraw(release=release, by=editor, reason="Beslutet är upphävt.")
    release.refresh_from_db()
    assert release.status == Status.WITHDRAWN and release.withdrawn_at is not None
    assert not PressRelease.objects.public().filter(pk=release.pk).exists()
    page = client.get(release.get_absolute_url())
    assert page.status_code == 200
    content = page.content.decode()
    assert "Beslutet är upphävt." in content and "noindex" in content
    assert signals == []


def test_withdraw_needs_a_reason(make_release, editor):
    release = make_release()
    with pytest.raises(services.TransitionError):
        services.release_withdraw(release=release, by=editor, reason="")
    assert _status(release) == Status.PUBLISHED


@pytest.mark.parametrize(
    "status, call",
    [
        (Status.IN_REVIEW, "submit"),
        (Status.PUBLISHED, "submit"),
        (Status.DRAFT, "return"),
        (Status.PUBLISHED, "return"),
        (Status.PUBLISHED, "publish"),
        (Status.WITHDRAWN, "publish"),
        (Status.PUBLISHED, "schedule"),
        (Status.WITHDRAWN, "schedule"),
        (Status.DRAFT, "unschedule"),
        (Status.PUBLISHED, "unschedule"),
        (Status.DRAFT, "withdraw"),
        (Status.IN_REVIEW, "withdraw"),
        (Status.WITHDRAWN, "withdraw"),
    ],
)
def test_refused_transitions_leave_the_state_alone(draft, editor, signals, status, call):
    PressRelease.objects.filter(pk=draft.pk).update(
        status=status, published_at=timezone.now() if status != Status.DRAFT else None
    )
    draft.refresh_from_db()
    calls = {
        "submit": lambda: services.release_submit(release=draft, by=editor),
        "return": lambda: services.release_return_to_draft(release=draft, by=editor, comment="x"),
        "publish": lambda: services.release_publish(release=draft, by=editor),
        "schedule": lambda: services.release_schedule(
            release=draft, by=editor, publish_at=timezone.now() + dt.timedelta(days=1)
        ),
        "unschedule": lambda: services.release_unschedule(release=draft, by=editor),
        "withdraw": lambda: services.release_withdraw(release=draft, by=editor, reason="x"),
    }
    with pytest.raises(services.TransitionError):
        calls[call]()
    assert _status(draft) == status
    assert signals == []


@pytest.mark.parametrize("call", ["publish", "schedule", "return", "withdraw", "unschedule"])
def test_a_press_officer_may_not_publish_schedule_return_or_withdraw(
    in_review, press_officer, signals, call
):
    calls = {
        "publish": lambda: services.release_publish(release=in_review, by=press_officer),
        "schedule": lambda: services.release_schedule(
            release=in_review, by=press_officer, publish_at=timezone.now() + dt.timedelta(days=1)
        ),
        "return": lambda: services.release_return_to_draft(
            release=in_review, by=press_officer, comment="x"
        ),
        "withdraw": lambda: services.release_withdraw(
            release=in_review, by=press_officer, reason="x"
        ),
        "unschedule": lambda: services.release_unschedule(release=in_review, by=press_officer),
    }
    with pytest.raises(PermissionDenied):
        calls[call]()
    assert _status(in_review) == Status.IN_REVIEW
    assert signals == []


def test_no_press_contact_blocks_publication(make_release, editor):
    release = make_release(status=Status.IN_REVIEW, title="Utan kontakt men lång nog")
    with pytest.raises(services.TransitionError) as error:
        services.release_publish(release=release, by=editor)
    assert "presskontakt" in str(error.value)
    assert _status(release) == Status.IN_REVIEW


def test_a_release_whose_only_contact_is_private_cannot_be_published(
    make_release, make_contact, editor
):
    private = make_contact(name="Intern Kontakt", is_public=False)
    release = make_release(
        status=Status.IN_REVIEW, title="Bara en intern kontakt", contacts=[private]
    )
    assert [item.code for item in blocking_problems(release)] == ["contact"]
    with pytest.raises(services.TransitionError):
        services.release_publish(release=release, by=editor)
    with pytest.raises(services.TransitionError):
        services.release_schedule(
            release=release, by=editor, publish_at=timezone.now() + dt.timedelta(days=1)
        )
    assert _status(release) == Status.IN_REVIEW
    release.releasecontact_set.create(contact=make_contact(name="Lena Holm"), order=1)
    services.release_publish(release=release, by=editor)
    assert _status(release) == Status.PUBLISHED


def test_an_image_without_alt_text_blocks_publication_naming_the_image(
    in_review, editor, make_image
):
    image = make_image(title="Kommunhuset i Borlänge")
    ReleaseImage.objects.create(release=in_review, image=image)
    with pytest.raises(services.TransitionError) as error:
        services.release_schedule(
            release=in_review, by=editor, publish_at=timezone.now() + dt.timedelta(days=1)
        )
    assert "Kommunhuset i Borlänge" in str(error.value)
    assert _status(in_review) == Status.IN_REVIEW
    image.alt_text = "Kommunhuset i Borlänge en vinterdag"
    image.save()
    services.release_publish(release=in_review, by=editor)
    assert _status(in_review) == Status.PUBLISHED


def test_editing_a_published_release_keeps_it_published_and_sends_nothing(
    make_release, editor, signals
):
    release = make_release()
    release.update_note = "Rättade datumet för besöket."
    release.version += 1
    release.save()
    services.release_record_revision(release=release, by=editor)
    release.refresh_from_db()
    assert release.status == Status.PUBLISHED
    assert release.events.get().action == ReleaseEvent.Action.EDIT
    assert signals == []


def test_transitions_bump_the_version(draft, press_officer):
    before = draft.version
    services.release_submit(release=draft, by=press_officer)
    assert PressRelease.objects.get(pk=draft.pk).version == before + 1
