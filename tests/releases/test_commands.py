"""`release_publish` and `release_withdraw` use the same services as the admin."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.releases.signals import release_published

Status = PressRelease.Status


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_release_publish_publishes_now_and_signals(in_review):
    seen = []
    release_published.connect(
        lambda **kw: seen.append(kw["release"].pk), weak=False, dispatch_uid="t"
    )
    try:
        assert "Published" in run("release_publish", str(in_review.pk))
    finally:
        release_published.disconnect(dispatch_uid="t")
    release = PressRelease.objects.get(pk=in_review.pk)
    assert release.status == Status.PUBLISHED
    assert seen == [release.pk]
    assert release.events.get(action="publish").by is None


def test_release_publish_at_schedules_in_swedish_time(in_review):
    moment = (timezone.now() + dt.timedelta(days=5)).date()
    run("release_publish", str(in_review.pk), "--at", f"{moment.isoformat()}T09:00")
    release = PressRelease.objects.get(pk=in_review.pk)
    assert release.status == Status.SCHEDULED
    local = timezone.localtime(release.publish_at)
    assert (local.date(), local.hour, local.minute) == (moment, 9, 0)
    assert str(local.tzinfo) == "Europe/Stockholm"


def test_release_publish_at_with_an_offset(in_review):
    run("release_publish", str(in_review.pk), "--at", "2099-06-01T09:00:00+00:00")
    release = PressRelease.objects.get(pk=in_review.pk)
    assert release.publish_at == dt.datetime(2099, 6, 1, 9, tzinfo=dt.UTC)


@pytest.mark.parametrize("at", ["2020-01-01T09:00", "inte ett datum"])
def test_release_publish_refuses_the_past_and_garbage(in_review, at):
    with pytest.raises(CommandError):
        run("release_publish", str(in_review.pk), "--at", at)
    assert PressRelease.objects.get(pk=in_review.pk).status == Status.IN_REVIEW


def test_release_publish_as_a_press_officer_is_refused(in_review, press_officer):
    with pytest.raises(CommandError, match="Bara redaktörer"):
        run("release_publish", str(in_review.pk), "--by", press_officer.username)
    assert PressRelease.objects.get(pk=in_review.pk).status == Status.IN_REVIEW


def test_release_publish_unknown_id(db):
    with pytest.raises(CommandError, match="No release"):
        run("release_publish", "999999")


def test_release_withdraw(make_release, editor):
    release = make_release()
    run("release_withdraw", str(release.pk), "--reason", "Fel siffror.", "--by", "redaktor")
    release.refresh_from_db()
    assert (release.status, release.withdrawn_reason) == (Status.WITHDRAWN, "Fel siffror.")
    assert release.events.get(action="withdraw").by == editor


def test_release_withdraw_refuses_a_draft(draft):
    with pytest.raises(CommandError, match="public"):
        run("release_withdraw", str(draft.pk), "--reason", "x")
    assert PressRelease.objects.get(pk=draft.pk).status == Status.DRAFT
