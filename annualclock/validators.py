"""Uploaded meeting materials: checked by content, not by the name the browser sends.

The size limit and the rewinding read are the associations app's (one rule for every upload);
what is allowed here — office documents and images besides PDFs — and the messages are the clock's.
"""

import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from associations.validators import check_upload_size, rewound

MATERIAL_TYPE_NOT_ALLOWED = _("Upload a PDF, an office document (Word, Excel, PowerPoint, OpenDocument) or an image.")
MATERIAL_CONTENT_MISMATCH = _("The file's content does not match its name. Save it again as %(kind)s and retry.")
MATERIAL_TOO_LARGE = _("The file is too large: at most %(limit)s.")

_OOXML = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
_ODF = {
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
_MAGIC = {".pdf": (b"%PDF-",), ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",)}
ALLOWED_EXTENSIONS = sorted({*_OOXML, *_ODF, *_MAGIC})

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    **_ODF,
}


def _zip_matches(file, extension):
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            if extension in _OOXML:
                return "[Content_Types].xml" in names and any(n.startswith(_OOXML[extension]) for n in names)
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
            return mimetype == _ODF[extension]
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def validate_material_file(file):
    """Allow only documents and images whose bytes are what their extension says, within the size limit."""
    if getattr(file, "_committed", False):
        return  # already stored and checked when it was uploaded
    extension = Path(file.name or "").suffix.lower()
    if extension not in CONTENT_TYPES:
        raise ValidationError(MATERIAL_TYPE_NOT_ALLOWED, code="type")
    check_upload_size(file, message=MATERIAL_TOO_LARGE, code="size")
    with rewound(file):
        if extension in _MAGIC:
            ok = any(file.read(16).startswith(magic) for magic in _MAGIC[extension])
        else:
            ok = _zip_matches(file, extension)
    if not ok:
        raise ValidationError(MATERIAL_CONTENT_MISMATCH, code="content", params={"kind": extension.lstrip(".").upper()})


def content_type_for(name):
    return CONTENT_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")
