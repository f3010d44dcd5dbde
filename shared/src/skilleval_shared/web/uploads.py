"""An uploaded file read within a size limit and accepted only if its bytes prove an allowed type,
and the headers a stored file is downloaded with.

The type is what the content is (``file_types.sniff``), never what the client claims.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import quote

from fastapi import UploadFile

from skilleval_shared.file_types import CheckedUpload, FileType, sniff
from skilleval_shared.problems import field_error, payload_too_large, unsupported_media_type
from skilleval_shared.storage.files import StoredFile

__all__ = ["CheckedUpload", "checked_upload", "download_headers", "safe_filename"]

_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f\"]")
MAX_FILENAME = 100


def safe_filename(raw: str | None, fallback: str) -> str:
    """The last path part, without control characters or quotes, at most 100 characters."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_IN_NAME.sub("", name).strip()
    return name[-MAX_FILENAME:] or fallback


async def checked_upload(
    upload: UploadFile,
    *,
    allowed: Sequence[FileType],
    limit_bytes: int,
    field: str,
    fallback_stem: str,
) -> CheckedUpload:
    """413 over ``limit_bytes``, 415 unless one of ``allowed``, 422 when empty."""
    content = await upload.read(limit_bytes + 1)
    if len(content) > limit_bytes:
        raise payload_too_large(limit_bytes)
    if not content:
        raise field_error(field, "上传的文件为空")
    file_type = sniff(content)
    if file_type not in allowed:
        raise unsupported_media_type([kind.name for kind in allowed])
    assert file_type is not None
    return CheckedUpload(
        safe_filename(upload.filename, fallback_stem + file_type.extension), file_type, content
    )


def download_headers(found: StoredFile) -> dict[str, str]:
    """Attachment (UTF-8 name and an ASCII fallback), no sniffing, the SHA-256 as ETag and
    ``Repr-Digest``."""
    fallback = "".join(
        ch if ch.isascii() and ch.isprintable() and ch != '"' else "_" for ch in found.filename
    )
    digest = base64.b64encode(bytes.fromhex(found.sha256)).decode("ascii")
    return {
        "Content-Length": str(found.size_bytes),
        "Content-Disposition": (
            f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(found.filename)}"
        ),
        "X-Content-Type-Options": "nosniff",
        "ETag": f'"{found.sha256}"',
        "Repr-Digest": f"sha-256=:{digest}:",
    }
