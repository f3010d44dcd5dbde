"""The MongoDB client factory and the one helper every commit step needs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import AsyncMongoClient, DeleteOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from skilleval_shared.settings import Settings
from skilleval_shared.tasks import gather_limited

Document = dict[str, Any]


def make_client(settings: Settings) -> AsyncMongoClient[Document]:
    return AsyncMongoClient(
        settings.mongodb_url,
        appname=f"skilleval-{settings.service_name}",
        tz_aware=True,
        serverSelectionTimeoutMS=5000,
        timeoutMS=settings.mongodb_timeout_ms,
        retryWrites=False,  # FerretDB 1.x has no retryable writes; we commit by unique insert
    )


def database(client: AsyncMongoClient[Document], settings: Settings) -> AsyncDatabase[Document]:
    return client[settings.database_name]


async def ping(client: AsyncMongoClient[Document]) -> None:
    await client.admin.command("ping")


def is_duplicate_key(error: Exception) -> bool:
    """True for a unique-index violation (code 11000), single or inside a bulk write."""
    if isinstance(error, DuplicateKeyError):
        return True
    if isinstance(error, BulkWriteError):
        return all(item.get("code") == 11000 for item in error.details.get("writeErrors", []))
    return False


def duplicate_indexes(error: BulkWriteError) -> set[int]:
    """Indexes (into the list given to ``insert_many``) of the documents refused as duplicates.

    With ``ordered=False`` every other document was written. Any other failure (a write error
    with another code, a write concern error) is not ours to interpret: ``error`` is raised again.
    """
    details = error.details
    failures = details.get("writeErrors", [])
    if details.get("writeConcernErrors") or any(item.get("code") != 11000 for item in failures):
        raise error
    return {int(item["index"]) for item in failures}


CONCURRENT_GETS = 16
# Writes per bulk command, one command at a time: FerretDB runs a command's updates on pooled
# SQLite connections, and a few large bulk updates at once have exhausted its pool for good.
WRITES_PER_COMMAND = 16


async def bulk_write_each(collection: Any, writes: Sequence[Any]) -> None:
    """``writes`` (exact-``_id`` replaces, deletes) in unordered bulk commands of
    ``WRITES_PER_COMMAND``, one after the other."""
    for start in range(0, len(writes), WRITES_PER_COMMAND):
        await collection.bulk_write(writes[start : start + WRITES_PER_COMMAND], ordered=False)


async def delete_each(collection: Any, ids: Sequence[str]) -> None:
    """Delete by exact ``_id``: FerretDB answers ``{_id: {$in: …}}`` with a scan of the whole
    collection (500 of 20,000 documents: 477 ms, against 59 ms this way)."""
    await bulk_write_each(collection, [DeleteOne({"_id": key}) for key in ids])


async def get_each(
    collection: Any, keys: Sequence[str], fields: Any = None, *, concurrency: int = CONCURRENT_GETS
) -> list[Document | None]:
    """Gets by ``_id``, several in flight, in the order of ``keys``: on FerretDB only an exact
    ``_id`` filter uses an index, so this, not ``$in``, is the bulk read."""
    return await gather_limited(
        (collection.find_one({"_id": key}, fields) for key in keys), concurrency
    )
