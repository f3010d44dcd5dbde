"""Uploaded files, chunked so that every read is a get by ``_id`` (fast on FerretDB too)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import uuid_utils
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from skilleval_shared.envelope import utc_now
from skilleval_shared.storage.mongo import Document, duplicate_indexes, is_duplicate_key

CHUNK_BYTES = 255 * 1024


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    owner_uscc: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    chunks: int
    uploaded_at: datetime

    def as_document(self) -> Document:
        return {"_id": self.file_id, **{k: v for k, v in vars(self).items() if k != "file_id"}}

    @classmethod
    def from_document(cls, document: Document) -> StoredFile:
        fields = {k: v for k, v in document.items() if k != "_id"}
        return cls(file_id=document["_id"], **fields)


class FileStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.files = db["files"]
        self.chunks = db["file_chunks"]

    async def save(
        self,
        *,
        owner_uscc: str,
        filename: str,
        content_type: str,
        content: bytes,
        file_id: str | None = None,
    ) -> StoredFile:
        """Chunks first, then the file record: a file is visible only once complete.

        ``file_id`` given (e.g. derived from the content's SHA-256): saving it again is
        idempotent, answering the file already stored."""
        if file_id is not None and (found := await self.get(file_id)) is not None:
            return found
        file_id = file_id or str(uuid_utils.uuid7())
        pieces = [content[i : i + CHUNK_BYTES] for i in range(0, len(content), CHUNK_BYTES)]
        if pieces:
            try:
                await self.chunks.insert_many(
                    [{"_id": f"{file_id}:{n}", "data": piece} for n, piece in enumerate(pieces)],
                    ordered=False,
                )
            except BulkWriteError as error:  # an interrupted save of the same id left these
                if len(duplicate_indexes(error)) != len(error.details.get("writeErrors", [])):
                    raise
        stored = StoredFile(
            file_id=file_id,
            owner_uscc=owner_uscc,
            filename=filename,
            content_type=content_type,
            size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            chunks=len(pieces),
            uploaded_at=utc_now(),
        )
        try:
            await self.files.insert_one(stored.as_document())
        except Exception as error:
            if not is_duplicate_key(error):
                raise
            found = await self.get(file_id)
            assert found is not None
            return found
        return stored

    async def get(self, file_id: str) -> StoredFile | None:
        document = await self.files.find_one({"_id": file_id})
        return StoredFile.from_document(document) if document else None

    async def stream(self, stored: StoredFile) -> AsyncIterator[bytes]:
        for n in range(stored.chunks):
            chunk = await self.chunks.find_one({"_id": f"{stored.file_id}:{n}"})
            if chunk is None:
                raise RuntimeError(f"chunk {n} of file {stored.file_id} is missing")
            yield bytes(chunk["data"])
