import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat

from associations.validators import (
    BUSINESS_ID_INVALID,
    FILE_TOO_LARGE,
    IMAGE_INVALID,
    PDF_INVALID,
    REGISTER_NUMBER_INVALID,
    URL_SCHEME_INVALID,
    business_id_check_digit,
    normalize_business_id,
    normalize_register_number,
    validate_http_url,
    validate_image_file,
    validate_pdf_file,
)
from tests.associations.factories import image_upload, pdf_upload


@pytest.mark.parametrize("value", ["0737546-2", "1572860-0", "0112038-9", " 0737546-2 "])
def test_real_business_ids_pass_the_check_digit(value):
    assert normalize_business_id(value) == value.strip()


def test_an_old_six_digit_business_id_gets_its_leading_zero():
    assert normalize_business_id("737546-2") == "0737546-2"


@pytest.mark.parametrize("value", ["0737546-3", "07375462", "ABCDEFG-1", "12345678-9", "0737546-"])
def test_wrong_business_ids_are_refused_with_the_format_message(value):
    with pytest.raises(ValidationError) as exc:
        normalize_business_id(value)
    assert exc.value.messages == [str(BUSINESS_ID_INVALID)]


def test_a_remainder_of_one_has_no_valid_check_digit():
    # 1000001: 7*1 + 2*1 = 9 -> remainder 9 -> digit 2; find a number with remainder 1 by brute force.
    digits = next(f"{n:07d}" for n in range(10_000) if business_id_check_digit(f"{n:07d}") is None)
    with pytest.raises(ValidationError):
        normalize_business_id(f"{digits}-0")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("123456", "123.456"),
        ("123.456", "123.456"),
        ("123 456", "123.456"),
        ("42", "42"),
        ("1234567", "1.234.567"),
        ("", ""),
    ],
)
def test_register_numbers_are_grouped_by_thousands(value, expected):
    assert normalize_register_number(value) == expected


@pytest.mark.parametrize("value", ["12a456", "123-456", "１２３", "1234567890"])
def test_register_numbers_with_other_characters_are_refused(value):
    with pytest.raises(ValidationError) as exc:
        normalize_register_number(value)
    assert exc.value.messages == [str(REGISTER_NUMBER_INVALID)]


@pytest.mark.parametrize("value", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "ftp://x.fi"])
def test_only_http_links_are_accepted(value):
    with pytest.raises(ValidationError) as exc:
        validate_http_url(value)
    assert exc.value.messages == [str(URL_SCHEME_INVALID)]


def test_a_real_png_passes_and_is_recognised():
    assert validate_image_file(image_upload()) == "PNG"


def test_a_text_file_named_png_is_not_an_image():
    fake = SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        validate_image_file(fake)
    assert exc.value.messages == [str(IMAGE_INVALID)]


def test_a_file_over_the_limit_is_refused_before_it_is_read(settings):
    settings.MAX_UPLOAD_BYTES = 1000
    big = SimpleUploadedFile("big.png", b"\0" * 1001, content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        validate_image_file(big)
    assert exc.value.messages == [str(FILE_TOO_LARGE) % {"limit": filesizeformat(1000)}]


def test_a_pdf_needs_the_magic_bytes():
    validate_pdf_file(pdf_upload())
    with pytest.raises(ValidationError) as exc:
        validate_pdf_file(SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"))
    assert exc.value.messages == [str(PDF_INVALID)]
