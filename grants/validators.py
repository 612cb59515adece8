"""Checks of the files attached to applications and reports: by content, never by name.

A PDF must start with the ``%PDF-`` magic bytes; an image must open and verify with Pillow (a
decompression bomb is refused, not decoded); nothing may exceed ``settings.MAX_UPLOAD_BYTES``.
The registry's validators do the work; this module only combines them with one message.
"""

import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from associations.validators import IMAGE_FORMATS, check_upload_size, rewound, validate_image_file

ATTACHMENT_INVALID = _(
    "Attach a PDF document or an image (JPEG, PNG, GIF or WebP). This file is neither, or it is damaged."
)


def validate_attachment(file) -> str:
    """Return the file's real extension (``pdf``, ``png`` …) or raise ValidationError."""
    check_upload_size(file)
    with rewound(file):
        head = file.read(1024)
    if head.lstrip(b"\x00\t\n\r ").startswith(b"%PDF-"):
        return "pdf"
    from PIL import Image

    try:
        with warnings.catch_warnings():
            # A picture just under Pillow's hard limit is still a bomb here: refuse it too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image_format = validate_image_file(file)
    except (ValidationError, Image.DecompressionBombWarning):
        raise ValidationError(ATTACHMENT_INVALID, code="attachment_invalid")
    return IMAGE_FORMATS[image_format]
