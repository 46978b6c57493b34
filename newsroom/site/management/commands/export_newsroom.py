"""`manage.py export_newsroom ARCHIVE`: the whole newsroom in one portable archive."""

from django.core.management.base import BaseCommand, CommandError

from newsroom.site import backup


class Command(BaseCommand):
    help = (
        "Write the newsroom (content, media files, and unless --without-personal-data, "
        "subscribers and staff) to one portable .tar.gz archive, readable only by its owner."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The file to write, e.g. newsroom.tar.gz.")
        parser.add_argument(
            "--without-personal-data",
            action="store_true",
            help="Leave out subscribers, their emails, content reports and staff accounts.",
        )

    def handle(self, *args, archive, without_personal_data=False, verbosity=1, **options):
        try:
            manifest = backup.export(
                archive,
                personal_data=not without_personal_data,
                progress_stream=self.stderr._out if verbosity else None,
            )
        except (OSError, backup.ArchiveError) as exc:
            raise CommandError(f"Cannot write {archive}: {exc}") from exc
        for name in manifest["missing_files"]:
            self.stderr.write(f"Missing in MEDIA_ROOT, not in the archive: {name}")
        if verbosity:
            rows = sum(item["count"] for item in manifest["models"])
            self.stdout.write(
                f"Wrote {archive}: {rows} rows of {len(manifest['models'])} models and "
                f"{len(manifest['files'])} files"
                + ("" if without_personal_data else " (it holds personal data: keep it safe)")
                + "."
            )
