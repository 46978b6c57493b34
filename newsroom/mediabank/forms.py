"""Upload forms of the image bank: every image and document passes `validators.py`."""

from pathlib import Path

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .models import Document, Image
from .validators import clean_image_upload, validate_document_upload


class ImageUploadField(forms.FileField):
    """A file field that accepts only what `clean_image_upload` passes, cleaned of EXIF."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None or not isinstance(upload, UploadedFile):
            return upload
        clean = clean_image_upload(upload)
        name = f"{Path(upload.name).stem[:80] or 'image'}.{clean.extension}"
        return SimpleUploadedFile(name, clean.content, content_type=f"image/{clean.format.lower()}")


class ImageForm(forms.ModelForm):
    file = ImageUploadField(
        label=_("File"),
        help_text=_(
            "JPEG, PNG or WebP. It is turned upright, and location and other personal data "
            "in the file are removed."
        ),
    )

    class Meta:
        model = Image
        fields = ["file", "title", "caption", "alt_text", "photographer", "licence"]


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["file", "title"]
        widgets = {"file": forms.ClearableFileInput(attrs={"accept": "application/pdf"})}
        help_texts = {"file": _("A PDF document.")}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            upload.content_type = validate_document_upload(upload)
            # Stored under a name of our making, never the sender's: a PDF is always `.pdf`,
            # so the web server never serves an upload as HTML or anything else.
            upload.name = f"{slugify(Path(upload.name).stem)[:80] or 'document'}.pdf"
        return upload
