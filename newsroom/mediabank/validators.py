"""Checks of uploaded documents: real PDFs of a sane size.

Images have their own validator and cleaner, shared by every image field of the newsroom:
`newsroom.core.images`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from newsroom.core.images import check_size

PDF_MAGIC = b"%PDF-"


def validate_document_upload(upload):
    """A PDF by its first bytes (not by its name or the browser's word), within the limit."""
    check_size(upload, settings.MEDIABANK_MAX_DOCUMENT_BYTES)
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    # The signature must open the file: a page that merely mentions it somewhere is no PDF.
    if not head.startswith(PDF_MAGIC):
        raise ValidationError(_("The file is not a PDF document: upload a PDF."), code="not_a_pdf")
    declared = getattr(upload, "content_type", None)
    if declared and declared not in {
        "application/pdf",
        "application/x-pdf",
        "application/octet-stream",
    }:
        raise ValidationError(
            _("The file was sent as %(type)s, not as a PDF document: upload a PDF.")
            % {"type": declared},
            code="content_type",
        )
    return "application/pdf"
