"""Meeting materials are checked by their content, not by the name the browser sends."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from annualclock.validators import (
    MATERIAL_CONTENT_MISMATCH,
    MATERIAL_TOO_LARGE,
    MATERIAL_TYPE_NOT_ALLOWED,
    validate_material_file,
)


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def odt():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("esityslista.pdf", b"%PDF-1.7\n..."),
        ("kuva.PNG", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
        ("valokuva.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20),
        ("muistio.docx", docx()),
        ("muistio.odt", odt()),
    ],
)
def test_documents_and_images_are_accepted(name, content):
    validate_material_file(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ohjelma.exe", b"MZ...", MATERIAL_TYPE_NOT_ALLOWED),
        ("liite.html", b"<script>alert(1)</script>", MATERIAL_TYPE_NOT_ALLOWED),
        ("esityslista.pdf", b"<html>not a pdf</html>", MATERIAL_CONTENT_MISMATCH),
        ("muistio.docx", odt(), MATERIAL_CONTENT_MISMATCH),
        ("muistio.odt", b"plain text", MATERIAL_CONTENT_MISMATCH),
    ],
)
def test_other_files_are_refused_with_the_reason(name, content, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_material_file(SimpleUploadedFile(name, content))
    assert excinfo.value.messages[0].startswith(str(message).split("%")[0])


def test_a_too_large_file_is_refused(settings):
    settings.MAX_UPLOAD_BYTES = 10

    with pytest.raises(ValidationError) as excinfo:
        validate_material_file(SimpleUploadedFile("esityslista.pdf", b"%PDF-1.7" + b"0" * 20))
    assert excinfo.value.messages[0].startswith(str(MATERIAL_TOO_LARGE).split("%")[0])


@pytest.mark.parametrize(("name", "content"), [("esityslista.pdf", b"%PDF-1.7\n..."), ("muistio.docx", docx())])
def test_checking_a_file_leaves_it_to_be_saved_from_where_it_was(name, content):
    upload = SimpleUploadedFile(name, content)
    upload.seek(3)

    validate_material_file(upload)

    assert upload.tell() == 3
    upload.seek(0)
    assert upload.read() == content
