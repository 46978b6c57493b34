"""What the release commands share: finding the release and the acting user."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from newsroom.releases.models import PressRelease


def add_common_arguments(parser):
    parser.add_argument("release_id", type=int, help="The release's id (see the admin).")
    parser.add_argument(
        "--by",
        metavar="USERNAME",
        help="Act as this user (their permissions apply); without it, as the operator.",
    )


def release_and_user(release_id, username):
    try:
        release = PressRelease.objects.get(pk=release_id)
    except PressRelease.DoesNotExist:
        raise CommandError(f"No release with id {release_id}.") from None
    user = None
    if username:
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
    return release, user


def refusal(error):
    return CommandError(" ".join(getattr(error, "messages", [str(error)])))
