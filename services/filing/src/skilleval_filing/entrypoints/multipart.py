"""One file from a ``multipart/form-data`` body, refused (413) as soon as the body grows past
the limit, instead of after the whole of it has been spooled to disk."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Request, UploadFile
from starlette.datastructures import UploadFile as ParsedFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect

from skilleval_shared.problems import (
    BadRequest,
    field_error,
    payload_too_large,
    unsupported_media_type,
)

# Room for the part headers and boundaries around the file itself.
ENVELOPE_BYTES = 16 * 1024
FIELD = "file"


def upload_body_schema(description: str) -> dict[str, Any]:
    """The OpenAPI request body of an endpoint that reads its file with ``single_file``."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": [FIELD],
                        "properties": {
                            FIELD: {
                                "type": "string",
                                "format": "binary",
                                "description": description,
                            }
                        },
                    }
                }
            },
        }
    }


async def _bounded(
    stream: AsyncIterator[bytes], budget: int, limit_bytes: int
) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in stream:
        received += len(chunk)
        if received > budget:
            raise payload_too_large(limit_bytes)
        yield chunk


@asynccontextmanager
async def single_file(request: Request, *, limit_bytes: int) -> AsyncIterator[UploadFile]:
    """The ``file`` part of the body; its temporary file is closed on leaving the block."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise unsupported_media_type(["multipart/form-data"])
    budget = limit_bytes + ENVELOPE_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > budget:
        raise payload_too_large(limit_bytes)
    parser = MultiPartParser(
        request.headers, _bounded(request.stream(), budget, limit_bytes), max_files=1, max_fields=4
    )
    try:
        form = await parser.parse()
    except MultiPartException:
        raise BadRequest("上传内容不是完整有效的 multipart/form-data，请重新上传") from None
    except ClientDisconnect:
        raise BadRequest("上传未完成，连接已中断") from None
    try:
        parsed = form.get(FIELD)
        if not isinstance(parsed, ParsedFile):
            raise field_error(FIELD, "缺少上传的文件，或文件内容不完整")
        yield UploadFile(
            parsed.file, size=parsed.size, filename=parsed.filename, headers=parsed.headers
        )
    finally:
        await form.close()
