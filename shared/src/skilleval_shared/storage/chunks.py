"""A payload too big for one document or message, stored as chunks and then a header.

:func:`split_by_budget` cuts a list of items (e.g. a 10,000-row roster) so the canonical JSON of
each chunk stays within a byte budget; a Kafka producer can send the same chunks after a header.
:meth:`ChunkStore.put` first gets the header: present with the same digest, the put is done.
Then it writes the chunks ``<id>:<n>`` with one ``insert_many(ordered=False)``; a duplicate key
is a chunk an earlier, interrupted put wrote. Each chunk carries the payload's digest and the
budget it was cut by, so a leftover of another payload (or another cut) is caught by getting
just the duplicates by ``_id``, and refused. The header ``<id>`` (chunk count, item count,
SHA-256 over the items' canonical JSON) is written LAST: its unique insert is the commit point,
the "complete" signal; a duplicate with another digest is a :class:`ChunkConflict`. Without
transactions a crash leaves orphan chunks, which a re-put of the same payload completes.

:meth:`ChunkStore.read` gets the header, then each chunk by ``_id`` (FerretDB indexes nothing
else, not even ``$in``), a few at a time, and checks the items against the header's digest: a
missing or altered chunk is a :class:`ChunkCorrupt`, never a silently shorter list.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from skilleval_shared.storage.mongo import Document, duplicate_indexes, get_each, is_duplicate_key

DEFAULT_BUDGET = 256 * 1024


class ChunkConflict(Exception):
    """A different payload is already stored (or being stored) under this id."""


class ChunkCorrupt(Exception):
    """The header exists but the chunks do not add up to the payload it describes."""


def canonical(value: Any) -> str:
    """The canonical JSON of one item: sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )


def digest(texts: Sequence[str]) -> str:
    """SHA-256 (hex) over the canonical JSON of the list, ``[item,item,…]``, from its items'."""
    return hashlib.sha256(("[" + ",".join(texts) + "]").encode()).hexdigest()


def split_by_budget(items: Sequence[Any], budget: int = DEFAULT_BUDGET) -> list[list[Any]]:
    """Consecutive chunks of ``items``, each at most ``budget`` bytes as a canonical JSON list.

    Greedy, in order; no items give no chunks; an item alone over the budget is a ValueError.
    """
    return _split(items, [canonical(item) for item in items], budget)


def _split(items: Sequence[Any], texts: Sequence[str], budget: int) -> list[list[Any]]:
    chunks: list[list[Any]] = []
    start, size = 0, 1  # "[", then each item adds its bytes and one: "," or the final "]"
    for index, text in enumerate(texts):
        length = len(text.encode()) + 1
        if 1 + length > budget:
            raise ValueError(f"item {index} is {length - 1} bytes of JSON, over budget {budget}")
        if size + length > budget:
            chunks.append(list(items[start:index]))
            start, size = index, 1
        size += length
    if start < len(items):
        chunks.append(list(items[start:]))
    return chunks


@dataclass
class ChunkStore:
    collection: AsyncCollection[Document]
    _: KW_ONLY
    budget: int = DEFAULT_BUDGET  # bytes of canonical JSON per chunk
    read_concurrency: int = 8  # gets by _id in flight at once

    async def put(self, payload_id: str, items: Sequence[Any]) -> str:
        """Store ``items`` under ``payload_id``; return their digest. Idempotent per payload."""
        texts = [canonical(item) for item in items]
        sha = digest(texts)
        if await self._check_header(payload_id, sha):
            return sha
        chunks = [
            {"_id": f"{payload_id}:{n}", "sha256": sha, "budget": self.budget, "items": part}
            for n, part in enumerate(_split(items, texts, self.budget))
        ]
        if chunks:
            try:
                await self.collection.insert_many(chunks, ordered=False)
            except BulkWriteError as error:
                ids = [f"{payload_id}:{n}" for n in sorted(duplicate_indexes(error))]
                for old in await get_each(
                    self.collection,
                    ids,
                    {"sha256": 1, "budget": 1},
                    concurrency=self.read_concurrency,
                ):
                    if old is not None and (old["sha256"], old["budget"]) != (sha, self.budget):
                        raise ChunkConflict(f"{old['_id']} holds another payload") from error
        header = {"_id": payload_id, "chunks": len(chunks), "items": len(items), "sha256": sha}
        try:
            await self.collection.insert_one(header)
        except Exception as error:
            if not is_duplicate_key(error):
                raise
            await self._check_header(payload_id, sha)
        return sha

    async def _check_header(self, payload_id: str, sha: str) -> bool:
        """True when the payload is complete; a ChunkConflict when another payload is."""
        header = await self.collection.find_one({"_id": payload_id}, {"sha256": 1})
        if header is not None and header.get("sha256") != sha:
            raise ChunkConflict(f"{payload_id} is stored with another payload (digest differs)")
        return header is not None

    async def read(self, payload_id: str) -> list[Any] | None:
        """The items stored under ``payload_id``, or ``None`` while its header is absent."""
        header = await self.collection.find_one({"_id": payload_id})
        if header is None:
            return None
        count = int(header["chunks"])
        found = await get_each(
            self.collection,
            [f"{payload_id}:{n}" for n in range(count)],
            concurrency=self.read_concurrency,
        )
        items: list[Any] = []
        for n, chunk in enumerate(found):
            if chunk is None:
                raise ChunkCorrupt(f"chunk {payload_id}:{n} of {count} is missing")
            if chunk.get("sha256") != header["sha256"]:
                raise ChunkCorrupt(f"chunk {payload_id}:{n} belongs to another payload")
            items.extend(chunk["items"])
        texts = [canonical(item) for item in items]
        if len(items) != header["items"] or digest(texts) != header["sha256"]:
            raise ChunkCorrupt(f"the chunks of {payload_id} do not match its digest")
        return items
