"""File types are told by their bytes: the seven accepted formats and look-alikes that are not."""

from __future__ import annotations

import io
import zipfile

import pytest

from skilleval_shared import file_types as t

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def office_zip(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.4\n...", t.PDF),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", t.JPEG),
        (b"\x89PNG\r\n\x1a\n\x00\x00", t.PNG),
        (OLE2 + "WordDocument".encode("utf-16-le"), t.DOC),
        (OLE2 + "Workbook".encode("utf-16-le"), t.XLS),
        (office_zip("[Content_Types].xml", "word/document.xml"), t.DOCX),
        (office_zip("[Content_Types].xml", "xl/workbook.xml"), t.XLSX),
    ],
)
def test_accepted_formats_are_recognised(content: bytes, expected: t.FileType) -> None:
    assert t.sniff(content) == expected


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"PDF-1.4 without the percent sign",
        b"GIF89a",
        b"MZ\x90\x00",
        OLE2 + "PowerPoint Document".encode("utf-16-le"),
        office_zip("word/document.xml"),  # no [Content_Types].xml: not Office Open XML
        office_zip("[Content_Types].xml", "ppt/presentation.xml"),
        b"PK\x03\x04 but not really a zip archive",
    ],
)
def test_everything_else_is_not(content: bytes) -> None:
    assert t.sniff(content) is None
