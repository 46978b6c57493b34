"""Run the images stored before the cleaner (or before it dropped JPEG comments) through it.

Contact photos and the agency logo used to be stored as uploaded, EXIF and GPS included, and
image-bank originals kept JPEG comments. This finds every stored image of every
`CleanImageField` that still carries metadata, stores a cleaned copy under a new random name
and deletes the old file. Clean images are left alone; images the cleaner refuses (a GIF, a
damaged file) are reported, never changed.
"""

from collections import Counter

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand

from newsroom.core.images import CleanImageField, cleaned_file, needs_cleaning


class Command(BaseCommand):
    help = (
        "Clean stored images that still carry metadata (EXIF, GPS, XMP, comments): each gets "
        "a cleaned copy under a new random name, and the old file is deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only list what would be cleaned."
        )

    def handle(self, *args, dry_run=False, **options):
        counts = Counter()
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, CleanImageField):
                    self._clean_field(model, field, dry_run, counts)
        self.stdout.write(
            f"{counts['cleaned']} cleaned, {counts['clean']} already clean, "
            f"{counts['refused']} refused, {counts['missing']} missing"
            + (" (dry run: nothing changed)" if dry_run else "")
        )

    def _clean_field(self, model, field, dry_run, counts):
        label = f"{model._meta.label}.{field.name}"
        for obj in model._default_manager.exclude(**{field.name: ""}).iterator():
            stored = getattr(obj, field.name)
            old_name = stored.name
            try:
                with stored.storage.open(old_name, "rb") as handle:
                    content = handle.read()
            except FileNotFoundError:
                counts["missing"] += 1
                self.stderr.write(f"{label} {obj.pk}: {old_name} is missing")
                continue
            if not needs_cleaning(content):
                counts["clean"] += 1
                continue
            try:
                cleaned = cleaned_file(old_name, ContentFile(content))
            except ValidationError as error:
                counts["refused"] += 1
                self.stderr.write(f"{label} {obj.pk}: {old_name}: {' '.join(error.messages)}")
                continue
            counts["cleaned"] += 1
            self.stdout.write(f"{label} {obj.pk}: {old_name}")
            if dry_run:
                continue
            stored.save(cleaned.name, cleaned, save=False)
            dimensions = [name for name in (field.width_field, field.height_field) if name]
            obj.save(update_fields=[field.name, *dimensions])
            stored.storage.delete(old_name)
