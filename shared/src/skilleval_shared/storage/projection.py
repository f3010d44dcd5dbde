"""Read models built from other services' events, each event applied only if it is newer.

A projection document ``<key>`` holds the fields the consumer keeps plus, under ``seen``, the
highest CloudEvents ``sequence`` applied from each source aggregate (``<service>.<aggregate>``
and the event's subject). An event whose sequence is not above what the document has seen from
its aggregate is skipped: a replayed, duplicated or late event never rolls a projection back,
whatever order the topics deliver in. One document can follow several aggregates (an
enterprise's filing and its catalog book), each with its own counter.

Applied in bulk: one get by ``_id`` per distinct key (several at a time), then ``bulk_write``s
of exact-``_id`` replaces, indexed on FerretDB as on MongoDB. Documents of one key
are written by the consumer that owns the key's partition, one batch at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pymongo import ReplaceOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from skilleval_shared.envelope import TYPE_PREFIX, CloudEvent, sequence_number
from skilleval_shared.storage.mongo import (
    Document,
    bulk_write_each,
    duplicate_indexes,
    get_each,
)

Change = Callable[[Document], Document]


def source_of(event: CloudEvent[Any]) -> str:
    """``filing.filing/91350100M000100Y43-1``: the aggregate an event's sequence counts in.
    Dots are not allowed in field names, so the type's dots become underscores."""
    service_and_aggregate = event.type.removeprefix(TYPE_PREFIX + ".").rsplit(".", 2)[0]
    return f"{service_and_aggregate}/{event.subject or ''}".replace(".", "_").replace("$", "_")


def catalog_fields(data: Any) -> Document:
    """The catalog and its version, as projections keep them, from a filing event that
    carries them (``FilingFiled``, ``CatalogChanged``)."""
    return {
        "catalog_version": data.catalog_version,
        "catalog": [entry.model_dump(mode="json") for entry in data.catalog],
    }


def serial_fields(institution_serial: str | None) -> Document:
    """The institution serial as projections keep it, from ``FilingFiled``: only when the filing
    carried one, so a filing filed before its serial was recorded never blanks out a serial
    recorded (``InstitutionSerialRecorded``) in between."""
    return {} if institution_serial is None else {"institution_serial": institution_serial}


def newer_catalog(body: Document, fields: Document) -> Document:
    """``fields`` without its catalog when the document already holds a newer catalog version:
    the catalog comes from two aggregates (the filing, then its catalog book), so only the
    catalog's own version orders them."""
    if body.get("catalog_version", 0) > fields.get("catalog_version", 0):
        return {k: v for k, v in fields.items() if k not in ("catalog", "catalog_version")}
    return fields


class Projection:
    def __init__(
        self,
        collection: AsyncCollection[Document],
        *,
        source: Callable[[CloudEvent[Any]], str] = source_of,
        insert_first: bool = False,
    ) -> None:
        """``source`` names the counter an event's sequence is compared in; override it when
        one CloudEvents aggregate's events are committed by several producer aggregates (their
        sequences are comparable only within each). ``insert_first`` suits a projection whose
        events mostly create their document (a certificate's issue): a batch first tries one
        ``insert_many`` of the documents as if none were stored, and only the keys already
        stored are read and replaced."""
        self.collection = collection
        self.source = source
        self.insert_first = insert_first

    async def get(self, key: str) -> Document | None:
        return await self.collection.find_one({"_id": key})

    async def apply(self, key: str, event: CloudEvent[Any], change: Change) -> bool:
        """Apply one event; False if it was not newer than what the document holds."""
        return await self.apply_many([(key, event, change)]) == 1

    async def apply_many(self, items: Sequence[tuple[str, CloudEvent[Any], Change]]) -> int:
        """Apply events in the given order; return how many were newer and applied."""
        if self.insert_first:
            return await self._insert_new(items)
        return await self._read_and_replace(items)

    async def _read_and_replace(self, items: Sequence[tuple[str, CloudEvent[Any], Change]]) -> int:
        keys = list(dict.fromkeys(key for key, _, _ in items))
        stored = dict(zip(keys, await get_each(self.collection, keys), strict=True))
        documents, applied_per_key = self._fold(items, stored)
        await bulk_write_each(
            self.collection,
            [ReplaceOne({"_id": key}, doc, upsert=True) for key, doc in documents.items()],
        )
        return sum(applied_per_key.values())

    async def _insert_new(self, items: Sequence[tuple[str, CloudEvent[Any], Change]]) -> int:
        """``apply_many`` as if no key were stored, in one ``insert_many``; a key that is stored
        (a duplicate) had nothing written and is read and replaced as usual."""
        documents, applied_per_key = self._fold(items, {})
        if not documents:
            return 0
        inserts = list(documents.values())
        stored: set[str] = set()
        try:
            await self.collection.insert_many(inserts, ordered=False)
        except BulkWriteError as error:
            stored = {inserts[index]["_id"] for index in duplicate_indexes(error)}
        applied = sum(count for key, count in applied_per_key.items() if key not in stored)
        if stored:
            applied += await self._read_and_replace([item for item in items if item[0] in stored])
        return applied

    def _fold(
        self,
        items: Sequence[tuple[str, CloudEvent[Any], Change]],
        stored: dict[str, Document | None],
    ) -> tuple[dict[str, Document], dict[str, int]]:
        """Each changed key's new document, and how many of its events were newer and applied."""
        documents: dict[str, Document] = {}
        applied: dict[str, int] = {}
        for key, event, change in items:
            document = documents.get(key) or stored.get(key) or {"_id": key, "seen": {}}
            source, sequence = self.source(event), sequence_number(event)
            if sequence and sequence <= document.get("seen", {}).get(source, 0):
                continue
            body = {k: v for k, v in document.items() if k not in ("_id", "seen")}
            seen = document.get("seen", {}) | ({source: sequence} if sequence else {})
            documents[key] = change(body) | {"_id": key, "seen": seen}
            applied[key] = applied.get(key, 0) + 1
        return documents, applied
