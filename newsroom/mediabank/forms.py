"""Upload forms of the image bank: images pass `newsroom.core.images`, documents
`validators.py`."""

from pathlib import Path

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from newsroom.core.images import CleanImageFormField

from .models import Document, Image
from .validators import validate_document_upload

# The image bank's upload field: the newsroom's one image validator and cleaner.
ImageUploadField = CleanImageFormField


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
