"""`manage.py import_newsroom ARCHIVE`: restore a portable archive into an empty database."""

from django.core.management.base import BaseCommand, CommandError

from newsroom.site import backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by export_newsroom into an empty (migrated) database, "
        "and its files into MEDIA_ROOT."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive written by export_newsroom.")

    def handle(self, *args, archive, verbosity=1, **options):
        try:
            manifest = backup.restore(
                archive, progress_stream=self.stderr._out if verbosity else None
            )
        except backup.ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity:
            rows = sum(item["count"] for item in manifest["models"])
            self.stdout.write(
                f"Restored {rows} rows of {len(manifest['models'])} models and "
                f"{len(manifest['files'])} files from {archive}."
            )
