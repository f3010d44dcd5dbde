"""What an uploaded file really is, judged by its leading bytes, never by what the client says.

Accepted: PDF, JPEG, PNG, Word (DOC, DOCX) and Excel (XLS, XLSX). The legacy Office formats share
the OLE2 container, and the new ones share ZIP, so those are told apart by what they contain.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    name: str
    media_type: str
    extension: str


@dataclass(frozen=True)
class CheckedUpload:
    """An upload whose size and type (from its bytes) have been checked."""

    filename: str
    file_type: FileType
    content: bytes


PDF = FileType("PDF", "application/pdf", ".pdf")
JPEG = FileType("JPEG", "image/jpeg", ".jpg")
PNG = FileType("PNG", "image/png", ".png")
DOC = FileType("DOC", "application/msword", ".doc")
XLS = FileType("XLS", "application/vnd.ms-excel", ".xls")
DOCX = FileType(
    "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"
)
XLSX = FileType(
    "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"
)
ACCEPTED = (PDF, JPEG, PNG, DOC, DOCX, XLS, XLSX)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# Stream names in an OLE2 directory are UTF-16LE.
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_EXCEL_STREAM = "Workbook".encode("utf-16-le")


def sniff(content: bytes) -> FileType | None:
    """The accepted type ``content`` is, or None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(_OLE2):
        return _legacy_office(content)
    if content.startswith(_ZIP):
        return _open_xml(content)
    return None


def _legacy_office(content: bytes) -> FileType | None:
    if _WORD_STREAM in content:
        return DOC
    if _EXCEL_STREAM in content:
        return XLS
    return None


def _open_xml(content: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None
