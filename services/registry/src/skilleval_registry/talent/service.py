"""The talent database: certificates by number, and a person index by ID number + name.

``certificates/<number>`` is a projection of the certificate's events (sequence-guarded, in
bulk). ``people/<person key>:<n>`` are slots, one per certificate of the person, claimed by a
unique insert: certificates of one person arrive on different partitions, and FerretDB has no
atomic update of a shared document, but two inserts of one ``_id`` never both land. Every read
is a get by ``_id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from skilleval_registry.talent import model
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.certification import (
    CERTIFICATE_ISSUED,
    CertificateCorrected,
    CertificateReissued,
    CertificateRevoked,
)
from skilleval_shared.storage.mongo import Document, duplicate_indexes, is_duplicate_key
from skilleval_shared.storage.projection import Change, Projection, source_of
from skilleval_shared.tasks import gather_limited

CERTIFICATE_EVENTS = (
    *CERTIFICATE_ISSUED,
    CertificateReissued,
    CertificateCorrected,
    CertificateRevoked,
)
MAX_SLOTS = 64  # certificates one person may hold in the index; far above any real career
CONCURRENT = 16


def _source(event: CloudEvent[Any]) -> str:
    """Certification commits an issue in a chunk of its roster's issuance and every later change
    on the certificate's own lifecycle aggregate: their sequences are not comparable, so each
    stream has its own counter (the model's rules order the two: a revocation is final, a
    reissue or correction counts only if newer)."""
    stream = "issue" if isinstance(event.data, CERTIFICATE_ISSUED) else "lifecycle"
    return f"{source_of(event)}/{stream}"


def _change(event: CloudEvent[Any]) -> Change:
    data = event.data
    if isinstance(data, CERTIFICATE_ISSUED):
        return lambda body: model.issued(body, data)
    if isinstance(data, CertificateRevoked):
        return lambda body: model.revoked(body, data)
    if isinstance(data, CertificateReissued):
        return lambda body: model.reissued(body, data)
    if isinstance(data, CertificateCorrected):
        return lambda body: model.corrected(body, data)
    raise TypeError(f"not a certificate event: {event.type}")


class TalentDatabase:
    def __init__(self, db: AsyncDatabase[Document], *, prefix: str = "") -> None:
        self.certificates = db[f"{prefix}certificates"]
        self.people = db[f"{prefix}people"]
        # Most certificate events are first issues, which create their document.
        self.projection = Projection(self.certificates, source=_source, insert_first=True)

    async def record(self, events: Sequence[CloudEvent[Any]]) -> int:
        """Apply certificate events in order; returns how many were new."""
        applied = await self.projection.apply_many(
            [(event.data.certificate_number, event, _change(event)) for event in events]
        )
        # An issue names its holder; a reissue or correction may rename: read what it left.
        issued = {
            (event.data.certificate_number, f"{event.data.id_number}|{event.data.holder_name}")
            for event in events
            if isinstance(event.data, CERTIFICATE_ISSUED)
        }
        changed = {
            event.data.certificate_number
            for event in events
            if isinstance(event.data, CertificateReissued | CertificateCorrected)
        }
        crowded = await self._claim_first_slots(sorted(issued))
        await gather_limited(
            [self._index_identity(number, identity) for number, identity in crowded]
            + [self._index(number) for number in sorted(changed)],
            CONCURRENT,
        )
        return applied

    async def _claim_first_slots(self, issued: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Most holders have no certificate yet: their first slot is claimed for all of them in
        one ``insert_many`` (a unique ``_id`` each, as ``_claim_slot`` inserts it). Returns the
        ones whose first slot was taken, for ``_claim_slot`` to look at one by one (it may be
        this very certificate's, from an earlier delivery)."""
        if not issued:
            return []
        slots = [
            {"_id": f"{model.person_key(*identity.split('|', 1))}:1", "certificate_number": number}
            for number, identity in issued
        ]
        try:
            await self.people.insert_many(slots, ordered=False)
        except BulkWriteError as error:
            return [issued[index] for index in sorted(duplicate_indexes(error))]
        return []

    async def get(self, number: str) -> Document | None:
        """The record of a certificate, once it has been issued."""
        found = await self.certificates.find_one({"_id": number})
        return found if found is not None and "holder_name" in found else None

    async def by_number(self, *, number: str, name: str) -> Document | None:
        """The hot public read: one get by ``_id``, only the fields the public view needs."""
        found = await self.certificates.find_one({"_id": number}, model.PUBLIC_FIELDS)
        return found if found is not None and model.holds(found, name=name) else None

    async def by_person(self, *, id_number: str, name: str) -> list[Document]:
        key = model.person_key(id_number, name)
        numbers = []
        for slot in range(1, MAX_SLOTS + 1):
            found = await self.people.find_one({"_id": f"{key}:{slot}"})
            if found is None:
                break
            numbers.append(found["certificate_number"])
        records = await gather_limited([self.get(number) for number in numbers], CONCURRENT)
        return [
            record
            for record in records
            if record is not None and model.holds(record, name=name, id_number=id_number)
        ]

    async def _index(self, number: str) -> None:
        record = await self.get(number)
        if record is None:
            return
        for identity in record.get("identities", []):
            await self._index_identity(number, identity)

    async def _index_identity(self, number: str, identity: str) -> None:
        id_number, name = identity.split("|", 1)
        await self._claim_slot(model.person_key(id_number, name), number)

    async def _claim_slot(self, key: str, number: str) -> None:
        slot = 1
        while slot <= MAX_SLOTS:
            found = await self.people.find_one({"_id": f"{key}:{slot}"})
            if found is None:
                try:
                    await self.people.insert_one(
                        {"_id": f"{key}:{slot}", "certificate_number": number}
                    )
                    return
                except Exception as error:
                    if not is_duplicate_key(error):
                        raise
                    continue  # another certificate took this slot: look at it again
            if found["certificate_number"] == number:
                return
            slot += 1
        raise RuntimeError(f"person index full for {number}")

    async def contents(self) -> Document:
        """Everything held, comparable between two builds: certificates as stored, and each
        person's certificate numbers (slot order depends on arrival order across partitions)."""
        certificates = await self.certificates.find({}).sort("_id").to_list(None)
        people: dict[str, list[str]] = {}
        async for slot in self.people.find({}):
            key = slot["_id"].rsplit(":", 1)[0]
            people.setdefault(key, []).append(slot["certificate_number"])
        return {
            "certificates": certificates,
            "people": {key: sorted(numbers) for key, numbers in sorted(people.items())},
        }

    async def clear(self) -> None:
        await self.certificates.drop()
        await self.people.drop()
