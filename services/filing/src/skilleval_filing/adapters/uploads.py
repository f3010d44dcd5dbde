"""An uploaded file read within a size limit and accepted only if its bytes prove an allowed type.

The type is what the content is (``file_types.sniff``), never what the client claims.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import UploadFile

from skilleval_filing.adapters.file_types import FileType, sniff
from skilleval_shared.problems import field_error, payload_too_large, unsupported_media_type

_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f\"]")
MAX_FILENAME = 100


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    file_type: FileType
    content: bytes


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
