"""One holder at a time for a piece of work (the outbox relay), fenced by an epoch number.

Each term of the lease is a document ``<name>:<epoch>``; becoming holder means inserting the next
epoch's document, so of any number of contenders exactly one wins (a unique insert), on FerretDB
as on MongoDB. The holder proves it is alive by bumping ``beat`` on its own document (it is the
only writer of it). A contender takes over when it has seen the beat stand still for
``seconds`` by its own monotonic clock — never by comparing clocks of two machines — or at once
when the holder released the lease on a clean stop, or when the holder is this very replica
restarted (same ``holder`` name: the old process is gone). The holder gives up by itself when it
has not renewed for half of ``seconds``, and when it sees a newer epoch: it then stops working
before any contender can start, so two holders overlap only if a process stalls for longer than
that (the epoch is the fencing token; what a stale holder does twice, consumers deduplicate).
"""

from __future__ import annotations

import time

from pymongo.asynchronous.collection import AsyncCollection

from skilleval_shared.envelope import utc_now
from skilleval_shared.storage.mongo import Document, is_duplicate_key


class Lease:
    def __init__(
        self, collection: AsyncCollection[Document], name: str, holder: str, seconds: float
    ) -> None:
        self.collection = collection
        self.name = name
        self.holder = holder
        self.seconds = seconds
        self.epoch: int | None = None  # the term we hold, if any: the fencing token
        self._renewed_at = 0.0
        self._latest = 0  # the newest epoch seen; epochs only grow
        self._seen: tuple[int, int, float] | None = None  # (epoch, beat, since) of the holder

    def _id(self, epoch: int) -> str:
        return f"{self.name}:{epoch:012d}"

    async def held(self) -> bool:
        """Whether we hold the lease now; renews it, or tries to take it, as due."""
        now = time.monotonic()
        if self.epoch is not None:
            if now - self._renewed_at >= self.seconds / 4:
                await self._renew(now)
            if self.epoch is not None and now - self._renewed_at < self.seconds / 2:
                return True
            self.epoch = None
        return await self._try_take(now)

    async def release(self) -> None:
        """On a clean stop: the next contender takes over at once."""
        if self.epoch is not None:
            await self.collection.update_one(
                {"_id": self._id(self.epoch)}, {"$set": {"released": True}}
            )
            self.epoch = None

    async def _renew(self, now: float) -> None:
        assert self.epoch is not None
        try:
            if await self.collection.find_one({"_id": self._id(self.epoch + 1)}, {"_id": 1}):
                self.epoch = None  # someone took over: stop at once
                return
            await self.collection.update_one(
                {"_id": self._id(self.epoch)}, {"$inc": {"beat": 1}, "$set": {"at": utc_now()}}
            )
            self._renewed_at = now
        except Exception:
            if now - self._renewed_at >= self.seconds / 2:
                self.epoch = None
            raise

    async def _current(self) -> Document | None:
        """The newest term: gets by ``_id`` upward from the newest seen."""
        found: Document | None = None
        epoch = self._latest
        while (
            document := await self.collection.find_one({"_id": self._id(epoch + 1)})
        ) is not None:
            found, epoch = document, epoch + 1
        if found is None and epoch > 0:
            found = await self.collection.find_one({"_id": self._id(epoch)})
        self._latest = epoch
        return found

    async def _try_take(self, now: float) -> bool:
        current = await self._current()
        if current is not None and not self._free(current, now):
            return False
        epoch = self._latest + 1
        try:
            await self.collection.insert_one(
                {"_id": self._id(epoch), "holder": self.holder, "beat": 0, "at": utc_now()}
            )
        except Exception as error:
            if not is_duplicate_key(error):
                raise
            return False  # another contender won this term
        self.epoch, self._latest, self._renewed_at, self._seen = epoch, epoch, now, None
        return True

    def _free(self, current: Document, now: float) -> bool:
        if current.get("released") or current.get("holder") == self.holder:
            return True
        observed = (self._latest, int(current.get("beat", 0)))
        if self._seen is None or self._seen[:2] != observed:
            self._seen = (*observed, now)
            return False
        return now - self._seen[2] >= self.seconds
