"""Checks and messages of hearings. Messages are constants the tests assert on."""

import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from associations.validators import IMAGE_FORMATS, check_upload_size, rewound, validate_image_file

HEARING_CLOSES_BEFORE_OPENS = _("The hearing must close after it opens.")
HEARING_ANSWER_DEADLINE_PASSED = _(
    "The hearing closed at %(closes)s. Answers can no longer be given or changed; nothing was saved."
)
HEARING_NOT_OPEN_YET = _("The hearing opens at %(opens)s. Answers can be given from then on.")
HEARING_NOT_OPEN = _("This hearing is not open for answers.")
HEARING_ALREADY_OPENED = _("The hearing has already been opened.")
HEARING_NO_AUDIENCE = _("Choose who is asked before opening the hearing.")
HEARING_UNKNOWN_AUDIENCE = _("The audience “%(audience)s” is not known.")
HEARING_STILL_OPEN = _("The summary can be published only after the hearing has closed.")
HEARING_SUMMARY_REQUIRED = _("Write the summary of what was heard before publishing it.")
HEARING_SUMMARY_ALREADY_PUBLISHED = _("The summary has already been published.")
HEARING_TAKEN_INTO_ACCOUNT_MISSING = _(
    "Say for every answer how it was taken into account before publishing the summary (%(count)s missing)."
)
HEARING_COMMENTS_NOT_ALLOWED = _("Residents cannot comment on this hearing.")
HEARING_ANSWER_TEXT_REQUIRED = _("Write your association's answer.")
HEARING_CLOSE_IN_FUTURE = _("Give a closing time that is not in the future to close the hearing now.")
ATTACHMENT_INVALID = _(
    "Attach a PDF document or an image (JPEG, PNG, GIF or WebP). This file is neither, or it is damaged."
)
MAX_ANSWER_ATTACHMENTS = 5
TOO_MANY_ATTACHMENTS = _("An answer can have at most %(max)s attachments.")


def validate_attachment(file) -> str:
    """A PDF or a web image within the size limit, checked by content; returns its real extension.

    The same rule as grant applications' attachments (``grants.validators``), built from the
    registry's validators because ``associations`` may not import ``grants``.
    """
    check_upload_size(file)
    with rewound(file):
        head = file.read(1024)
    if head.lstrip(b"\x00\t\n\r ").startswith(b"%PDF-"):
        return "pdf"
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image_format = validate_image_file(file)
    except (ValidationError, Image.DecompressionBombWarning):
        raise ValidationError(ATTACHMENT_INVALID, code="attachment_invalid")
    return IMAGE_FORMATS[image_format]
