"""Who holds a valid certificate, per person, occupation and level (``person_key``).

- ``holdings`` ``<person_key>`` -> the certificate number: the authority. Its unique insert is
  the commit point of an issuance (one valid certificate per person, occupation and level); a
  revocation deletes it.
- ``holding_index`` ``<occupation>|<level>|<b>``: the person keys ever issued in a bucket, so
  that a roster's rows are checked with a few gets by ``_id`` instead of one per row (FerretDB
  indexes nothing but an exact ``_id``). It is a filter, not an authority: an update can be lost
  (FerretDB updates are read-modify-write without a lock) and a revoked holder stays in it. So a
  hit is confirmed by a get of the holding, and a holder the filter missed is still refused by
  the issuance's unique insert.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from skilleval_shared.storage.mongo import Document, get_each, is_duplicate_key

HOLDING_BUCKETS = 16
CACHE_SECONDS = 30.0
CACHE_BUCKETS = 4096


def index_bucket(key: str) -> str:
    """``<occupation>|<level>|<b>`` of a ``person_key`` (``<id_type>|<id|<occupation>|<level>``)."""
    occupation, level = key.split("|")[2:4]
    return f"{occupation}|{level}|{zlib.crc32(key.encode()) % HOLDING_BUCKETS}"


class HoldingIndex:
    def __init__(
        self,
        holdings: AsyncCollection[Document],
        index: AsyncCollection[Document],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.holdings = holdings
        self.index = index
        self.clock = clock
        self._cache: dict[str, tuple[float, set[str]]] = {}

    async def held(self, keys: Sequence[str]) -> set[str]:
        """The keys that hold a valid certificate: the filter's hits, confirmed one by one."""
        members = await self._buckets({index_bucket(key) for key in keys})
        hits = sorted({key for key in keys if key in members[index_bucket(key)]})
        if not hits:
            return set()
        found = await get_each(self.holdings, hits, {"_id": 1})
        return {doc["_id"] for doc in found if doc}

    async def add(self, keys: Iterable[str]) -> None:
        """Put issued holders into the filter (after their holdings are inserted)."""
        by_bucket: dict[str, list[str]] = {}
        for key in keys:
            by_bucket.setdefault(index_bucket(key), []).append(key)
        for bucket, members in sorted(by_bucket.items()):
            await self._add_to(bucket, members)
            if bucket in self._cache:
                self._cache[bucket][1].update(members)

    async def _add_to(self, bucket: str, members: list[str]) -> None:
        change: Any = {"$addToSet": {"keys": {"$each": members}}}
        for attempt in range(2):  # two first upserts of a bucket race: the loser updates
            try:
                await self.index.update_one({"_id": bucket}, change, upsert=True)
                return
            except Exception as error:
                if attempt or not is_duplicate_key(error):
                    raise

    async def _buckets(self, buckets: set[str]) -> dict[str, set[str]]:
        now = self.clock()
        fresh = {b: hit[1] for b in buckets if (hit := self._cache.get(b)) and hit[0] > now}
        wanted = sorted(buckets - set(fresh))
        for bucket, doc in zip(wanted, await get_each(self.index, wanted), strict=True):
            fresh[bucket] = set(doc.get("keys", [])) if doc else set()
            self._cache[bucket] = (now + CACHE_SECONDS, fresh[bucket])
        if len(self._cache) > CACHE_BUCKETS:
            for bucket in sorted(self._cache, key=lambda b: self._cache[b][0])[:-CACHE_BUCKETS]:
                del self._cache[bucket]
        return fresh
