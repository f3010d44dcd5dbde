"""The contact book: notification's projection of the addresses people left in events."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from skilleval_notification.contacts.model import Contact, contact_updates, first_only
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.storage.mongo import Document, duplicate_indexes, get_each
from skilleval_shared.storage.projection import Change, Projection

CONCURRENT_READS = 16


def _merge(fields: dict[str, Any]) -> Change:
    return lambda body: body | {key: value for key, value in fields.items() if value is not None}


class ContactBook:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.projection = Projection(db["contacts"])

    async def record(self, events: Sequence[CloudEvent[Any]]) -> int:
        """Apply the contact fields of events, each only if newer than what its document saw;
        contacts written once (``first_only``) are inserted unless present."""
        once = [
            {"_id": key, "seen": {}} | fields
            for event in events
            if first_only(event.data)
            for key, fields in contact_updates(event.data)
        ]
        items = [
            (key, event, _merge(fields))
            for event in events
            if not first_only(event.data)
            for key, fields in contact_updates(event.data)
        ]
        if once:
            await self._insert_absent(once)
        return await self.projection.apply_many(items) if items else 0

    async def _insert_absent(self, documents: list[Document]) -> None:
        try:
            await self.projection.collection.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            if len(duplicate_indexes(error)) != len(error.details.get("writeErrors", [])):
                raise

    async def lookup(self, keys: Iterable[str]) -> dict[str, Contact]:
        wanted = sorted(set(keys))
        found = await get_each(self.projection.collection, wanted, concurrency=CONCURRENT_READS)
        return {key: document for key, document in zip(wanted, found, strict=True) if document}
