"""Numbering and issuance of an approved roster, run only by the consumer of the numbering
topic (keyed by institution, so one institution's rosters are numbered one at a time).

The approved rows are read from the roster's chunks as they arrived (stored once by unique
insert, never changed): the 序号 that passed validation and neither review rejected, from the
roster aggregate, pick them.

Idempotent end to end: the block of each level is the allocator's answer for (series, roster),
the same on every redelivery and for every process. The commit point of each certificate is the
unique insert of its holding (``person_key`` -> number: one valid certificate per person,
occupation and level): a row whose person already holds another valid certificate loses it, and
its number stays a gap; a redelivery finds its own numbers there and goes on. Then the records
of the winners (``_id`` = number), the holding filter, and the ``CertificateIssued`` (v2) events in
commits of one chunk of certificates each (``issuance:<roster>:<n>``, version 1, committed
once). Every write is bulk: ``insert_many(ordered=False)`` in batches, no get per row.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from skilleval_certification.certificates.holdings import HoldingIndex
from skilleval_certification.certificates.model import (
    Certificate,
    from_row,
    issue_record,
    issued_event,
)
from skilleval_certification.evaluations.model import person_key
from skilleval_certification.numbering.model import NumberPrefix, assign, count_by_level, series
from skilleval_certification.rosters import model as rosters
from skilleval_certification.rosters.model import RosterStatus
from skilleval_certification.rosters.service import RosterRepository
from skilleval_shared.envelope import wrap
from skilleval_shared.events.certification import NumberingRequested
from skilleval_shared.events.roster import RosterRow
from skilleval_shared.storage.aggregates import AggregateStore, ConcurrentUpdate
from skilleval_shared.storage.mongo import Document, duplicate_indexes, get_each
from skilleval_shared.storage.sequences import BlockAllocator

ISSUANCE = "issuance"
CONCURRENT_COMMITS = 2
# CertificateIssued events per issuance commit (~1 MB of events; the core keeps a commit's
# events past 4 MB in part documents). Fixed: a re-processing must cut the same commits.
ISSUED_PER_COMMIT = 500
INSERT_BATCH = 1000
CONCURRENT_READS = 8  # chunk gets in flight (~64 KB each)


class NumberReused(Exception):
    """A certificate number is already held by another row: never expected, never ignored."""


@dataclass
class NumberingParts:
    rosters: RosterRepository
    chunks: AsyncCollection[Document]  # the roster's rows as they arrived: <roster_id>:<n>
    allocator: BlockAllocator
    certificates: AsyncCollection[Document]  # the record of each certificate, _id = number
    holdings: HoldingIndex  # person_key -> number of a valid certificate, and its filter
    issuance: AggregateStore


async def number_roster(*, parts: NumberingParts, order: NumberingRequested) -> int:
    """Number and issue the approved rows of the roster; return how many certificates."""
    found = await parts.rosters.get(order.roster_id)
    if found.state.status is RosterStatus.ISSUED:
        return found.state.certificate_count
    if found.state.status is not RosterStatus.NUMBERING:
        return 0  # a stale order: the roster's numbering was given up and must be asked again
    rows = await _read_approved(
        parts.chunks, order.roster_id, found.state.chunk_count, found.state.approved_seqs()
    )
    blocks = await _allocate(parts.allocator, order, rows)
    prefix = NumberPrefix(
        category=order.institution_category,
        institution_code=order.institution_code,
        province_code=order.province_code,
        institution_serial=order.institution_serial,
    )
    certificates = [
        from_row(
            row,
            roster_id=order.roster_id,
            institution_uscc=order.institution_uscc,
            institution_name=order.institution_name,
        )
        for row in assign(rows, blocks, prefix, order.issue_date)
    ]
    # Each write idempotent, in bounded batches; the roster is marked issued only after all.
    issued: list[Certificate] = []
    for start in range(0, len(certificates), INSERT_BATCH):
        issued += await _commit_holdings(
            parts.holdings.holdings, certificates[start : start + INSERT_BATCH]
        )
    # After the commit point: the records, the filter, the events — one after the other, so an
    # event never precedes its record (side by side measured no faster on FerretDB's SQLite,
    # which takes one writer at a time).
    await _insert_all(parts.certificates, [issue_record(c) for c in issued])
    await parts.holdings.add(_key(c) for c in issued)
    await _publish(parts.issuance, order.roster_id, issued)
    numbers = {c.certificate_number for c in issued}
    refused = [c.row.seq for c in certificates if c.certificate_number not in numbers]
    await _mark_issued(parts.rosters, order.roster_id, len(issued), refused)
    return len(issued)


class RowsMissing(Exception):
    """An approved row is not in the roster's chunks: never expected, never numbered around."""


async def _read_approved(
    chunks: AsyncCollection[Document], roster_id: str, chunk_count: int, seqs: list[int]
) -> list[RosterRow]:
    """The approved rows, in 序号 order, from every chunk of the roster (just the rows, not
    what their checks found), a few gets at a time."""
    approved = set(seqs)
    ids = [f"{roster_id}:{n}" for n in range(chunk_count)]
    found = await get_each(chunks, ids, {"rows.row": 1}, concurrency=CONCURRENT_READS)
    rows: list[RosterRow] = []
    for chunk_id, chunk in zip(ids, found, strict=True):
        if chunk is None:
            raise RowsMissing(f"chunk {chunk_id} of the approved roster is missing")
        rows += [
            RosterRow.model_validate(item["row"])
            for item in chunk["rows"]
            if item["row"]["seq"] in approved
        ]
    if missing := sorted(approved - {row.seq for row in rows}):
        raise RowsMissing(f"approved rows {missing[:10]} of {roster_id} are in none of its chunks")
    return sorted(rows, key=lambda row: row.seq)


async def _allocate(
    allocator: BlockAllocator, order: NumberingRequested, rows: list[RosterRow]
) -> dict[int, range]:
    """One block per level: the allocator's answer for (series, roster), the same every time."""
    return {
        level: await allocator.allocate(
            series(order.institution_uscc, order.issue_date, level), order.roster_id, count
        )
        for level, count in sorted(count_by_level(rows).items())
    }


def _key(certificate: Certificate) -> str:
    c = certificate
    return person_key(c.id_type, c.id_number, c.occupation_code, c.level)


async def _insert_all(collection: AsyncCollection[Document], documents: list[Document]) -> None:
    for start in range(0, len(documents), INSERT_BATCH):
        await _insert_records(collection, documents[start : start + INSERT_BATCH])


async def _insert_records(collection: AsyncCollection[Document], documents: list[Document]) -> None:
    if not documents:
        return
    try:
        await collection.insert_many(documents, ordered=False)
    except BulkWriteError as error:
        again = [documents[index] for index in sorted(duplicate_indexes(error))]
        held = await get_each(collection, [d["_id"] for d in again], {"roster_id": 1, "row.seq": 1})
        for mine, theirs in zip(again, held, strict=True):
            if theirs is None or (theirs["roster_id"], theirs["row"]["seq"]) != (
                mine["roster_id"],
                mine["row"]["seq"],
            ):
                raise NumberReused(f"{mine['_id']} is held by another roster row") from error


async def _commit_holdings(
    collection: AsyncCollection[Document], certificates: list[Certificate]
) -> list[Certificate]:
    """The certificates whose holding is theirs: inserted now, or by an earlier attempt. One
    whose person holds another number (another roster won the unique insert) is left out."""
    documents = [{"_id": _key(c), "certificate_number": c.certificate_number} for c in certificates]
    if not documents:
        return []
    try:
        await collection.insert_many(documents, ordered=False)
    except BulkWriteError as error:
        clashes = sorted(duplicate_indexes(error))  # re-raises anything but duplicates
        held = await get_each(collection, [documents[i]["_id"] for i in clashes])
        mine = [documents[index]["certificate_number"] for index in clashes]
        lost = {
            index
            for index, number, holder in zip(clashes, mine, held, strict=True)
            if holder is None or holder["certificate_number"] != number
        }
        return [c for index, c in enumerate(certificates) if index not in lost]
    return certificates


async def _publish(store: AggregateStore, roster_id: str, certificates: list[Certificate]) -> None:
    gate = asyncio.Semaphore(CONCURRENT_COMMITS)

    async def commit(index: int, part: list[Certificate]) -> None:
        numbers = [c.certificate_number for c in part]
        # A ConcurrentUpdate: committed before, by a redelivery or a second process.
        async with gate:
            with contextlib.suppress(ConcurrentUpdate):
                await store.commit(
                    f"{roster_id}:{index}",
                    0,
                    {"roster_id": roster_id, "numbers": numbers},
                    [wrap(issued_event(c)) for c in part],
                )

    parts = [
        certificates[start : start + ISSUED_PER_COMMIT]
        for start in range(0, len(certificates), ISSUED_PER_COMMIT)
    ]
    await asyncio.gather(*(commit(index, part) for index, part in enumerate(parts)))


async def _mark_issued(
    repository: RosterRepository, roster_id: str, count: int, refused: list[int]
) -> None:
    async def attempt() -> None:
        found = await repository.get(roster_id)
        if found.state.status is RosterStatus.ISSUED:
            return
        roster, events = rosters.issued(found.state, certificate_count=count, refused_seqs=refused)
        await repository.save(roster_id, found.version, roster, [wrap(e) for e in events])

    await repository.retrying(attempt)
