"""Idempotent-consumer guard, in bulk: which events of a batch must be handled.

Before a batch is handled, each of its events is claimed by inserting ``<consumer>:<event id>``
with the batch's id, all in one ``insert_many(ordered=False)``; after every handler of the batch
succeeded, ``<consumer>:batch:<batch id>`` records the batch as done. An event whose claim
inserts is new. An event whose claim exists (a redelivery, a replay) is skipped if the batch
that claimed it is done; otherwise that batch never finished (its process died, or a rebalance
handed the partition to another consumer meanwhile) and the event is handled again, under the
new batch — handlers are idempotent by contract. Every answer is definite: no timer guesses.

Only exact ``_id`` gets are used (FerretDB answers anything else with a full scan): the bulk
insert, then a get of each refused claim and of each batch they name, concurrently. A claim
without a batch was written by the per-event guard this one replaces, after its handler
succeeded: it counts as done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from skilleval_shared.envelope import utc_now
from skilleval_shared.storage.mongo import Document, duplicate_indexes, get_each
from skilleval_shared.tasks import gather_limited


class ProcessedGuard:
    def __init__(
        self, collection: AsyncCollection[Document], consumer: str, *, concurrency: int = 16
    ) -> None:
        self.collection = collection
        self.consumer = consumer
        self.concurrency = concurrency

    def _key(self, event_id: str) -> str:
        return f"{self.consumer}:{event_id}"

    def _batch_key(self, batch_id: str) -> str:
        return f"{self.consumer}:batch:{batch_id}"

    async def claim(self, event_ids: Sequence[str], batch_id: str) -> set[str]:
        """The ids (distinct, as given) that ``batch_id`` must handle; the others are done."""
        if not event_ids:
            return set()
        now = utc_now()
        try:
            await self.collection.insert_many(
                [
                    {"_id": self._key(event_id), "batch": batch_id, "at": now}
                    for event_id in event_ids
                ],
                ordered=False,
            )
        except BulkWriteError as error:
            taken = [event_ids[index] for index in sorted(duplicate_indexes(error))]
            unfinished = await self._unfinished(taken, batch_id)
            return set(event_ids) - set(taken) | unfinished
        return set(event_ids)

    async def done(self, batch_id: str) -> None:
        """Record that every event claimed by ``batch_id`` was handled (or dead-lettered)."""
        await self.collection.insert_one({"_id": self._batch_key(batch_id), "at": utc_now()})

    async def release(self, event_ids: Iterable[str]) -> None:
        """Forget the claims of dead-lettered events, so that a replay of them is handled."""
        await gather_limited(
            (self.collection.delete_one({"_id": self._key(event_id)}) for event_id in event_ids),
            self.concurrency,
        )

    async def _unfinished(self, event_ids: list[str], batch_id: str) -> set[str]:
        """Those of the already claimed ``event_ids`` whose batch is not done, claimed anew."""
        claims = await get_each(
            self.collection,
            [self._key(event_id) for event_id in event_ids],
            concurrency=self.concurrency,
        )
        batches = sorted({claim["batch"] for claim in claims if claim and "batch" in claim})
        found = await get_each(
            self.collection,
            [self._batch_key(batch) for batch in batches],
            {"_id": 1},
            concurrency=self.concurrency,
        )
        done = {batch for batch, doc in zip(batches, found, strict=True) if doc is not None}
        again = [
            event_id
            for event_id, claim in zip(event_ids, claims, strict=True)
            # No claim any more: it was released (dead-lettered) since the insert failed.
            if claim is None or ("batch" in claim and claim["batch"] not in done)
        ]
        await gather_limited(
            (
                self.collection.update_one(
                    {"_id": self._key(event_id)},
                    {"$set": {"batch": batch_id, "at": utc_now()}},
                    upsert=True,
                )
                for event_id in again
            ),
            self.concurrency,
        )
        return set(again)
