"""Public certificate lookups: by certificate number + name, by ID number + name; each one is
recorded in the audit log. A wrong name and an unknown number give the same empty answer."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from skilleval_registry.lookup.model import LookupKind, audit_entry
from skilleval_registry.talent.model import public_view
from skilleval_registry.talent.service import TalentDatabase
from skilleval_shared.envelope import new_event_id, utc_now
from skilleval_shared.storage.mongo import Document

logger = logging.getLogger(__name__)
MAX_PENDING = 100_000


class AuditLog:
    """Entries are kept in memory and written with one ``insert_many`` per flush: a lookup
    costs no extra database round trip. ``flush`` runs periodically and at shutdown."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection
        self.pending: list[Document] = []
        self._lock = asyncio.Lock()

    def add(self, **fields: Any) -> None:
        if len(self.pending) >= MAX_PENDING:
            logger.error("audit log backlog full: the database is not taking writes")
            return
        self.pending.append(audit_entry(entry_id=new_event_id(), at=utc_now(), **fields))

    async def flush(self) -> int:
        async with self._lock:
            batch, self.pending = self.pending, []
            if not batch:
                return 0
            try:
                await self.collection.insert_many(batch, ordered=False)
            except Exception:
                self.pending = batch + self.pending  # kept for the next flush
                raise
            return len(batch)

    async def latest(self, limit: int = 100) -> list[Document]:
        """A staff read (a scan): the newest entries first."""
        await self.flush()
        return await self.collection.find({}).sort("_id", -1).to_list(limit)


class PublicLookup:
    def __init__(self, *, talent: TalentDatabase, audit: AuditLog) -> None:
        self.talent = talent
        self.audit = audit

    async def by_number(
        self, *, number: str, name: str, client: str, channel: str
    ) -> list[Document]:
        found = await self.talent.by_number(number=number, name=name)
        views = [public_view(number, found)] if found is not None else []
        self.audit.add(
            kind=LookupKind.NUMBER,
            channel=channel,
            client=client,
            found=len(views),
            name=name,
            certificate_number=number,
        )
        return views

    async def by_person(
        self, *, id_number: str, name: str, client: str, channel: str
    ) -> list[Document]:
        found = await self.talent.by_person(id_number=id_number, name=name)
        views = [public_view(record["_id"], record) for record in found]
        self.audit.add(
            kind=LookupKind.PERSON,
            channel=channel,
            client=client,
            found=len(views),
            name=name,
            id_number=id_number,
        )
        return views
