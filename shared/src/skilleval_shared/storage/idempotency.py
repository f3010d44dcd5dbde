"""Idempotent-consumer guard: remembers which event ids a consumer has fully handled.

The marker is written after the handler succeeded. A crash between the two means the handler runs
again on redelivery, so handlers must make their own effects idempotent (an insert with a
deterministic ``_id``, a projection upsert guarded by version); the guard makes every later
redelivery a single get by ``_id``.
"""

from __future__ import annotations

from pymongo.asynchronous.collection import AsyncCollection

from skilleval_shared.envelope import utc_now
from skilleval_shared.storage.mongo import Document, is_duplicate_key


class ProcessedGuard:
    def __init__(self, collection: AsyncCollection[Document], consumer: str) -> None:
        self.collection = collection
        self.consumer = consumer

    def _key(self, event_id: str) -> str:
        return f"{self.consumer}:{event_id}"

    async def seen(self, event_id: str) -> bool:
        return await self.collection.find_one({"_id": self._key(event_id)}, {"_id": 1}) is not None

    async def mark(self, event_id: str) -> None:
        try:
            await self.collection.insert_one({"_id": self._key(event_id), "at": utc_now()})
        except Exception as error:
            if not is_duplicate_key(error):
                raise
