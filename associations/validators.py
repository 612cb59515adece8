"""Validation of identifiers, links and uploaded files. Messages are constants the tests assert on.

Uploads are checked by their content, never by the name or the browser's content type: an image
must open and verify with Pillow, a PDF must start with the ``%PDF-`` magic bytes, and neither
may exceed ``settings.MAX_UPLOAD_BYTES``.
"""

import datetime as dt
import re
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

BUSINESS_ID_INVALID = _("Enter a business ID (Y-tunnus) in the form 1234567-8 with a valid check digit.")
REGISTER_NUMBER_INVALID = _("Enter the register number as digits, for example 123.456 or 123456.")
REGISTER_NUMBER_TAKEN = _("Another association in the registry already has this register number.")
BUSINESS_ID_TAKEN = _("Another association in the registry already has this business ID.")
EVENT_END_BEFORE_START = _("The end must be after the start.")
EVENT_END_TIME_WITHOUT_START = _("Give a start time too, or leave the end time empty.")
EVENT_YEARS_BACK = 10  # a project's report may come years later; nothing older than this
EVENT_YEARS_AHEAD = 5
EVENT_DATE_OUT_OF_RANGE = _("Give a date from %(back)s years ago to %(ahead)s years ahead.")
POSTER_ALT_REQUIRED = _("Describe the poster for those who cannot see it (alt text).")
AGREEMENT_END_BEFORE_START = _("The end of validity must be on or after its start.")
REVIEW_NEXT_BEFORE_HELD = _("The next discussion must be after this one.")
DESCRIPTION_HTML_NOT_ALLOWED = _(
    "Write the text as plain text or Markdown. HTML tags such as <script> are not allowed."
)
URL_SCHEME_INVALID = _("Enter a web address that starts with http:// or https://.")
FILE_TOO_LARGE = _("The file is too large. The largest allowed size is %(limit)s.")
IMAGE_INVALID = _("Upload a real image (JPEG, PNG, GIF or WebP). The file is not one or is damaged.")
PDF_INVALID = _("Upload a PDF document. The file is not a PDF.")

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
_BUSINESS_ID_RE = re.compile(r"^(\d{6,7})-(\d)$")
_BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
BUSINESS_ID_DB_REGEX = r"^[0-9]{7}-[0-9]$"
REGISTER_NUMBER_DB_REGEX = r"^[0-9]{1,3}(\.[0-9]{3})*$"


def business_id_check_digit(first_seven: str) -> int | None:
    """The Y-tunnus check digit for seven digits, or None when no valid digit exists (remainder 1)."""
    remainder = sum(int(d) * w for d, w in zip(first_seven, _BUSINESS_ID_WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def normalize_business_id(value: str) -> str:
    """Return the business ID as ``1234567-8`` (an old six-digit one gets its leading zero).

    Raises ValidationError when the format or the check digit is wrong. Empty stays empty.
    """
    value = (value or "").strip().replace(" ", "")
    if not value:
        return ""
    match = _BUSINESS_ID_RE.match(value)
    if not match:
        raise ValidationError(BUSINESS_ID_INVALID, code="business_id")
    digits = match.group(1).zfill(7)
    if business_id_check_digit(digits) != int(match.group(2)):
        raise ValidationError(BUSINESS_ID_INVALID, code="business_id")
    return f"{digits}-{match.group(2)}"


def normalize_register_number(value: str) -> str:
    """Return a PRH association register number grouped by thousands: ``123.456``.

    Accepts ``123456``, ``123.456`` or ``123 456``; refuses letters and other punctuation.
    """
    value = (value or "").strip()
    if not value:
        return ""
    digits = re.sub(r"[.\s]", "", value)
    if not digits.isascii() or not digits.isdigit() or len(digits) > 9 or not re.fullmatch(r"[\d.\s]+", value):
        raise ValidationError(REGISTER_NUMBER_INVALID, code="register_number")
    digits = digits.lstrip("0") or "0"
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return ".".join(groups)


def event_date_bounds(today=None) -> tuple[dt.date, dt.date]:
    """The first and last day an event may be given: ``EVENT_YEARS_BACK`` / ``_AHEAD`` from today."""
    today = today or timezone.localdate()
    return _years_from(today, -EVENT_YEARS_BACK), _years_from(today, EVENT_YEARS_AHEAD)


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def validate_event_date(value, *, today=None):
    """An event's date must be near today: 9999-12-31 or year 1 is a typo, never an event.

    Such a date was once accepted and then broke every page and feed that showed the event.
    """
    if value is None:
        return
    first, last = event_date_bounds(today)
    if not first <= value <= last:
        params = {"back": EVENT_YEARS_BACK, "ahead": EVENT_YEARS_AHEAD}
        raise ValidationError(EVENT_DATE_OUT_OF_RANGE, code="event_date_out_of_range", params=params)


def validate_http_url(value: str):
    """Only http and https links: no ``javascript:``, ``data:`` or ``ftp:`` on a public page."""
    if value and urlsplit(value).scheme.lower() not in {"http", "https"}:
        raise ValidationError(URL_SCHEME_INVALID, code="url_scheme")


def check_upload_size(file, *, message=FILE_TOO_LARGE, code="file_too_large"):
    """Refuse an upload larger than ``settings.MAX_UPLOAD_BYTES``; ``message`` gets ``%(limit)s``."""
    limit = settings.MAX_UPLOAD_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(message, code=code, params={"limit": filesizeformat(limit)})


@contextmanager
def rewound(file):
    """Read an upload from its first byte; afterwards its position is where it was (Django saves from there)."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        yield file
    finally:
        file.seek(position)


def validate_image_file(file):
    """An image that Pillow can open and verify, in one of the web formats, within the size limit."""
    from PIL import Image, UnidentifiedImageError

    check_upload_size(file)
    try:
        with rewound(file), Image.open(file) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(IMAGE_INVALID, code="image_invalid")
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(IMAGE_INVALID, code="image_invalid")
    return image_format


def validate_pdf_file(file):
    """A PDF (``%PDF-`` magic bytes) within the size limit."""
    check_upload_size(file)
    with rewound(file):
        head = file.read(1024)
    if not head.lstrip(b"\x00\t\n\r ").startswith(b"%PDF-"):
        raise ValidationError(PDF_INVALID, code="pdf_invalid")
