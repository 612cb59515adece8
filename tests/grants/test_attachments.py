"""Attachments are checked by content and size, stored privately and served only to those allowed."""

import struct
import zlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from associations.validators import FILE_TOO_LARGE
from grants.validators import ATTACHMENT_INVALID
from tests.associations.factories import image_upload, pdf_upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def png_bomb(width=40000, height=40000):
    """A tiny PNG that claims 1.6 billion pixels: decoding it would eat the server's memory."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 100)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def upload(client, application, file):
    return client.post(f"/en/grants/applications/{application.pk}/attachments/", {"file": file}, follow=True)


def test_a_pdf_is_attached_and_served_only_to_those_allowed(client_for, draft, association_admin, outsider):
    client = english(client_for(association_admin))
    response = upload(client, draft, pdf_upload("talousarvio.pdf"))
    assert response.status_code == 200 and "The file was attached." in response.content.decode()
    attachment = draft.attachments.get()
    assert attachment.name == "talousarvio.pdf" and attachment.file.name.startswith("grants/attachments/")
    url = f"/en/grants/applications/{draft.pk}/attachments/{attachment.pk}/"
    served = client.get(url)
    assert served.status_code == 200 and "no-store" in served["Cache-Control"]
    assert b"".join(served.streaming_content).startswith(b"%PDF-")
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(UserFactory()).get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ohjelma.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200),  # an .exe renamed
        ("kuva.png", None),  # a decompression bomb
    ],
)
def test_an_exe_renamed_pdf_or_a_decompression_bomb_is_refused(client_for, draft, association_admin, name, content):
    file = SimpleUploadedFile(name, content if content is not None else png_bomb(), content_type="application/pdf")
    response = upload(english(client_for(association_admin)), draft, file)
    assert response.status_code == 200 and str(ATTACHMENT_INVALID) in response.content.decode().replace("&#x27;", "'")
    assert not draft.attachments.exists()


def test_a_50_mb_file_is_refused(client_for, draft, association_admin, settings):
    big = SimpleUploadedFile("iso.pdf", b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024), content_type="application/pdf")
    with translation.override("en"):
        expected = str(FILE_TOO_LARGE) % {"limit": filesizeformat(settings.MAX_UPLOAD_BYTES)}
    response = upload(english(client_for(association_admin)), draft, big)
    assert expected in response.content.decode()
    assert not draft.attachments.exists()


def test_an_image_is_accepted(client_for, draft, association_admin):
    upload(client_for(association_admin), draft, image_upload("juliste.png"))
    assert draft.attachments.get().name == "juliste.png"


def test_nothing_can_be_attached_after_submission(client_for, submitted, association_admin):
    upload(client_for(association_admin), submitted, pdf_upload())
    assert not submitted.attachments.exists()
