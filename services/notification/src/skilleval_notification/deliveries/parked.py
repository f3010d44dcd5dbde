"""Events whose emails wait for a contact not known yet (an enterprise's address arrives on the
filing topic, which another consumer may read later than the event that needs it).

One document per (contact, event), inserted once; the retry round hands the events back once
their contacts are known, and removes them after they were handled (handling is idempotent).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from skilleval_shared.envelope import CloudEvent, envelope_dict, utc_now
from skilleval_shared.events import parse_event
from skilleval_shared.storage.mongo import Document, duplicate_indexes

ROUND = 200


class ParkedEvents:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def park(self, waiting: Iterable[tuple[str, CloudEvent[Any]]]) -> None:
        now = utc_now()
        documents = [
            {"_id": f"{key}|{event.id}", "contact": key, "event": envelope_dict(event), "at": now}
            for key, event in waiting
        ]
        if not documents:
            return
        try:
            await self.collection.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            if len(duplicate_indexes(error)) != len(error.details.get("writeErrors", [])):
                raise

    async def waiting(self) -> list[Document]:
        """A round of parked documents (the collection is small: a full scan is fine)."""
        return await self.collection.find({}).limit(ROUND).to_list()

    @staticmethod
    def event_of(document: Document) -> CloudEvent[Any]:
        return parse_event(document["event"])

    async def release(self, documents: Iterable[Document]) -> None:
        for document in documents:
            await self.collection.delete_one({"_id": document["_id"]})
