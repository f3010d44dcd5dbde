"""Numbers 1…max per series, claimed in contiguous blocks by unique inserts, never issued twice.

``await allocator.allocate(series, request_id, count)`` returns one ``range`` of ``count``
numbers; the same series and request id always get the same range back. FerretDB has no atomic
counter and loses concurrent updates of one document, so nothing depends on updating a shared
document; the documents, all in one collection, are:

- claim ``<series>:<start>`` (``start``, ``end``, ``request``), inserted with a unique ``_id``.
  Claims form a chain: the first starts at 1, each next one at the previous ``end + 1``. A
  process only ever tries to insert at 1 or at ``end + 1`` of a claim it has seen, so it either
  lands on the first free link or hits a duplicate, reads the winner's ``end`` and tries after
  it: claims never overlap, and are never deleted, so no number is claimed twice.
- request record ``<series>@<request_id>`` (the range), inserted after the claim. It is the
  authority: it is read first, and when two processes handle one request, the one whose record
  insert fails takes the winner's range, and its own claim stays a gap, never issued nor reused.
- head ``<series>#head``: a hint of the next free link, raised with ``$max``. It only saves
  probes: a lost update or a stale value makes the next claim walk the chain a little longer.
  Each allocator also remembers the next link per series and serialises its own claims per
  series, so one process never races itself (a database wiped under a live allocator is not
  supported: that memory would point past a chain that no longer exists).

A crash between claim and request record leaves a claim owned by the request: a redelivery
that walks onto it adopts it (the request record still decides); one that starts past it, from
the head, claims anew and the first block becomes a gap. Gaps are the price of never issuing a
number twice. Exhaustion (no room for ``count`` more numbers) is a :class:`SequenceExhausted`.
"""

from __future__ import annotations

import asyncio

from pymongo.asynchronous.collection import AsyncCollection

from skilleval_shared.storage.mongo import Document, is_duplicate_key

DEFAULT_MAX = 999_999


class SequenceExhausted(Exception):
    """The series has no room left for the block asked for."""


class RequestMismatch(Exception):
    """A request id was seen before with another count: it is not a redelivery."""


class BlockAllocator:
    def __init__(self, collection: AsyncCollection[Document], *, max_number: int = DEFAULT_MAX):
        self.collection = collection
        self.max_number = max_number
        self._next: dict[str, int] = {}  # per series: a link of the chain this process saw
        self._locks: dict[str, asyncio.Lock] = {}

    async def allocate(self, series: str, request_id: str, count: int = 1) -> range:
        """The block of ``count`` numbers of ``series`` that belongs to ``request_id``."""
        if "@" in series or "#" in series:
            raise ValueError(f"a series name has no '@' or '#' (they separate ids): {series!r}")
        if count < 1:
            raise ValueError(f"a block has at least one number, not {count}")
        record_id = f"{series}@{request_id}"
        recorded = await self.allocated(series, request_id)
        if recorded is not None:
            return _same_count(recorded, count, record_id)
        async with self._locks.setdefault(series, asyncio.Lock()):
            start = await self._claim(series, request_id, count)
        end = start + count - 1
        await self._raise_head(series, end + 1)
        record = {"_id": record_id, "series": series, "request": request_id}
        try:
            await self.collection.insert_one(record | {"start": start, "end": end})
        except Exception as error:
            if not is_duplicate_key(error):
                raise
            winner = await self.allocated(series, request_id)  # ours becomes a gap
            assert winner is not None, "a request record is never deleted"
            return _same_count(winner, count, record_id)
        return range(start, end + 1)

    async def allocated(self, series: str, request_id: str) -> range | None:
        """The block already given to ``request_id``, if any."""
        found = await self.collection.find_one({"_id": f"{series}@{request_id}"})
        return None if found is None else range(int(found["start"]), int(found["end"]) + 1)

    async def _claim(self, series: str, request_id: str, count: int) -> int:
        start = self._next.get(series) or await self._head(series)
        while True:
            end = start + count - 1
            if end > self.max_number:
                raise SequenceExhausted(
                    f"series {series}: no room for {count} more numbers after {start - 1}"
                    f" (max {self.max_number})"
                )
            claim = {"series": series, "start": start, "end": end, "request": request_id}
            try:
                await self.collection.insert_one({"_id": f"{series}:{start}"} | claim)
            except Exception as error:
                if not is_duplicate_key(error):
                    raise
                taken = await self.collection.find_one({"_id": f"{series}:{start}"})
                assert taken is not None, "a claim is never deleted"
                if (taken["request"], taken["end"]) != (request_id, end):
                    start = max(int(taken["end"]) + 1, await self._head(series))
                    continue  # somebody else's block: try after it
                # our own block, left by a crash before the record or by a racing replica
            self._next[series] = max(self._next.get(series, 1), end + 1)
            return start

    async def _head(self, series: str) -> int:
        head = await self.collection.find_one({"_id": f"{series}#head"})
        return max(1, int(head["next"])) if head else 1

    async def _raise_head(self, series: str, next_free: int) -> None:
        try:
            await self.collection.update_one(
                {"_id": f"{series}#head"}, {"$max": {"next": next_free}}, upsert=True
            )
        except Exception as error:  # two first upserts raced: the other one holds a hint
            if not is_duplicate_key(error):
                raise


def _same_count(block: range, count: int, record_id: str) -> range:
    if len(block) != count:
        raise RequestMismatch(f"{record_id} has {len(block)} numbers, not {count}")
    return block
