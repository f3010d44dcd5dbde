"""One file, and optionally a few text fields, from a ``multipart/form-data`` body, refused (413)
as soon as the body grows past the limit, instead of after the whole of it has been spooled."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
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


def upload_body_schema(
    description: str, text_fields: Mapping[str, tuple[str, int]] | None = None
) -> dict[str, Any]:
    """The OpenAPI request body of an endpoint that reads its form with ``bounded_form``;
    ``text_fields`` maps each required text field to its description and maximum length."""
    properties: dict[str, Any] = {
        name: {"type": "string", "description": text, "maxLength": max_length}
        for name, (text, max_length) in (text_fields or {}).items()
    }
    properties[FIELD] = {"type": "string", "format": "binary", "description": description}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": list(properties),
                        "properties": properties,
                    }
                }
            },
        }
    }


@dataclass(frozen=True)
class BoundedForm:
    file: UploadFile
    text: Mapping[str, str]


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
    async with bounded_form(request, limit_bytes=limit_bytes) as form:
        yield form.file


@asynccontextmanager
async def bounded_form(
    request: Request, *, limit_bytes: int, text_fields: Mapping[str, int] | None = None
) -> AsyncIterator[BoundedForm]:
    """The ``file`` part and the named text fields (each required, with its maximum length in
    characters); the file's temporary storage is closed on leaving the block."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise unsupported_media_type(["multipart/form-data"])
    limits = dict(text_fields or {})
    # A character is at most four bytes of UTF-8.
    budget = limit_bytes + ENVELOPE_BYTES + 4 * sum(limits.values())
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > budget:
        raise payload_too_large(limit_bytes)
    parser = MultiPartParser(
        request.headers,
        _bounded(request.stream(), budget, limit_bytes),
        max_files=1,
        max_fields=4 + len(limits),
        max_part_size=max([1024 * 1024, *(4 * limit for limit in limits.values())]),
    )
    try:
        form = await parser.parse()
    except MultiPartException:
        raise BadRequest("上传的内容不完整或格式有误，请重新上传") from None
    except ClientDisconnect:
        raise BadRequest("上传未完成，连接已中断") from None
    try:
        text = {name: _text_field(form.get(name), name, limit) for name, limit in limits.items()}
        parsed = form.get(FIELD)
        if not isinstance(parsed, ParsedFile):
            raise field_error(FIELD, "缺少上传的文件，或文件内容不完整")
        file = UploadFile(
            parsed.file, size=parsed.size, filename=parsed.filename, headers=parsed.headers
        )
        yield BoundedForm(file, text)
    finally:
        await form.close()


def _text_field(value: object, name: str, max_length: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise field_error(name, "缺少必填的表单字段")
    if len(value) > max_length:
        raise field_error(name, f"内容过长，最多 {max_length} 个字符")
    return value
