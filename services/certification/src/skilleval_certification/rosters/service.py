"""Rosters arriving in chunks: each chunk checked on arrival, the roster validated once its
header (published last) and every chunk are in; then the two reviews and the numbering order.

Chunks are kept as ``<roster_id>:<n>`` by unique insert (a redelivery is a duplicate key), so
they never change once stored: the numbering reads its rows from them. The outcome of a
complete roster is the rows that failed, with their problems, in a ``ChunkStore`` under the
roster id (not a second copy of every row: a row not there passed); the roster aggregate's first
commit (RosterValidated, with the 序号 that passed) happens once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from skilleval_certification.certificates.holdings import HoldingIndex
from skilleval_certification.evaluations.model import person_key
from skilleval_certification.evaluations.service import EvaluationProjection
from skilleval_certification.institutions.service import InstitutionProjection
from skilleval_certification.numbering.model import MissingInstitutionSerial
from skilleval_certification.rosters import model
from skilleval_certification.rosters.cache import ChunkCache
from skilleval_certification.rosters.model import Roster, RosterStatus
from skilleval_certification.rosters.validation import (
    CheckedRow,
    check_chunk,
    check_roster,
    with_outcome,
)
from skilleval_shared.domain_errors import NotFound, NotPermitted
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.events.assessment import RosterRowsSubmitted, RosterSubmitted
from skilleval_shared.events.certification import ReviewStage
from skilleval_shared.events.fields import Remark
from skilleval_shared.repository import Repository
from skilleval_shared.storage.aggregates import ConcurrentUpdate
from skilleval_shared.storage.chunks import ChunkConflict, ChunkStore
from skilleval_shared.storage.mongo import Document, duplicate_indexes, get_each, is_duplicate_key

RosterRepository = Repository[Roster]
CHUNKS_PER_INSERT = 16  # ~1 MB of checked rows per insert_many


@dataclass
class RosterParts:
    rosters: RosterRepository
    chunks: AsyncCollection[Document]  # rows as they arrived, checked: <roster_id>:<n>
    headers: AsyncCollection[Document]  # RosterSubmitted as it arrived: <roster_id>
    checked: ChunkStore  # the failing rows of a complete roster, with their problems
    holdings: HoldingIndex  # who holds a valid certificate
    institutions: InstitutionProjection
    evaluations: EvaluationProjection
    cache: ChunkCache = field(default_factory=ChunkCache)  # chunks this process stored


async def _insert_once(collection: AsyncCollection[Document], document: Document) -> bool:
    """True when this insert stored the document, False when it was there already."""
    try:
        await collection.insert_one(document)
    except Exception as error:
        if not is_duplicate_key(error):
            raise
        return False
    return True


async def receive_chunk(*, parts: RosterParts, chunk: RosterRowsSubmitted) -> None:
    await receive_chunks(parts=parts, chunks=[chunk])


async def receive_chunks(*, parts: RosterParts, chunks: Sequence[RosterRowsSubmitted]) -> None:
    """Check and store a batch of chunks: one get per institution, the holding filter once for
    every row, one ``insert_many`` per ``CHUNKS_PER_INSERT`` (a chunk stored before, by a
    redelivery, is a duplicate key and stays as stored); then each roster's finish, once."""
    usccs = sorted({chunk.uscc for chunk in chunks})
    keys = [
        person_key(r.id_type, r.id_number, r.occupation_code, r.level)
        for chunk in chunks
        for r in chunk.rows
    ]
    institutions, held = await asyncio.gather(
        asyncio.gather(*(parts.institutions.get(uscc) for uscc in usccs)),
        parts.holdings.held(keys),
    )
    by_uscc = dict(zip(usccs, institutions, strict=True))
    checked = [
        check_chunk(chunk.rows, institution=by_uscc[chunk.uscc], held=held, results={})
        for chunk in chunks
    ]
    documents = [
        {
            "_id": f"{chunk.roster_id}:{chunk.chunk_index}",
            "roster_id": chunk.roster_id,
            "uscc": chunk.uscc,
            "rows": [item.model_dump(mode="json") for item in rows],
            "failed": sum(not item.ok for item in rows),
        }
        for chunk, rows in zip(chunks, checked, strict=True)
    ]
    for start in range(0, len(documents), CHUNKS_PER_INSERT):
        part = documents[start : start + CHUNKS_PER_INSERT]
        stored = await _insert_new(parts.chunks, part)
        for index in range(start, start + len(part)):
            if index - start in stored:
                chunk = chunks[index]
                parts.cache.put(chunk.roster_id, chunk.chunk_index, checked[index])
    for roster_id in dict.fromkeys(chunk.roster_id for chunk in chunks):
        await finish(parts=parts, roster_id=roster_id)


async def _insert_new(collection: AsyncCollection[Document], documents: list[Document]) -> set[int]:
    """The places of the documents this insert stored (the others were there already)."""
    try:
        await collection.insert_many(documents, ordered=False)
    except BulkWriteError as error:
        return set(range(len(documents))) - duplicate_indexes(error)
    return set(range(len(documents)))


async def receive_header(*, parts: RosterParts, header: RosterSubmitted) -> None:
    await _insert_once(parts.headers, {"_id": header.roster_id, **header.model_dump(mode="json")})
    await finish(parts=parts, roster_id=header.roster_id)


async def finish(*, parts: RosterParts, roster_id: str) -> Roster | None:
    """Validate the roster once its header and every chunk are in; None until then."""
    document = await parts.headers.find_one({"_id": roster_id})
    if document is None:
        return None  # the header comes last: until then, nothing to finish
    found = await parts.rosters.load(roster_id)
    if found is not None:
        return found.state
    header = RosterSubmitted.model_validate({k: v for k, v in document.items() if k != "_id"})
    chunks = await _checked_chunks(parts, roster_id, header.chunk_count)
    if chunks is None:
        return None
    checked = await check_roster_wide(
        parts=parts, header=header, rows=[row for rows in chunks for row in rows]
    )
    failing = [item.model_dump(mode="json") for item in checked if not item.ok]
    try:
        await parts.checked.put(roster_id, failing)
    except ChunkConflict:  # an earlier attempt stored its outcome: that one stands
        checked = with_outcome(checked, await parts.checked.read(roster_id) or [])
    roster, events = model.validated(
        roster_id=roster_id,
        institution_uscc=header.uscc,
        institution_name=header.institution_name,
        plan_id=header.plan_id,
        chunk_count=header.chunk_count,
        rows=checked,
    )
    with contextlib.suppress(ConcurrentUpdate):  # validated already, by a redelivery
        await parts.rosters.add(roster_id, roster, [wrap(event) for event in events])
    parts.cache.forget(roster_id)
    return roster


async def _checked_chunks(
    parts: RosterParts, roster_id: str, count: int
) -> list[list[CheckedRow]] | None:
    """Every checked chunk of the roster, in order (from the cache, else stored); None while
    one is missing."""
    cached = parts.cache.get(roster_id)
    missing = [n for n in range(count) if n not in cached]
    found = await get_each(parts.chunks, [f"{roster_id}:{n}" for n in missing])
    if any(chunk is None for chunk in found):
        return None
    for n, chunk in zip(missing, found, strict=True):
        assert chunk is not None
        cached[n] = [CheckedRow.model_validate(r) for r in chunk["rows"]]
    return [cached[n] for n in range(count)]


async def check_roster_wide(
    *, parts: RosterParts, header: RosterSubmitted, rows: Sequence[CheckedRow]
) -> list[CheckedRow]:
    """The roster-wide checks over the checked rows: the plan's results read once."""
    plan, institution, results = await asyncio.gather(
        parts.evaluations.plan(header.plan_id),
        parts.institutions.get(header.uscc),
        parts.evaluations.results_of(header.plan_id),
    )
    return check_roster(
        [_with_result(item, header.plan_id, results) for item in rows],
        institution_uscc=header.uscc,
        plan_id=header.plan_id,
        plan=plan,
        institution=institution,
    )


def _with_result(item: CheckedRow, plan_id: str, results: Mapping[str, bool]) -> CheckedRow:
    """The row with the person's result under the roster's plan, if one is recorded."""
    passed = results.get(item.key())
    if passed is None:
        return item
    return item.model_copy(update={"results": item.results | {plan_id: passed}})


@dataclass(frozen=True)
class Progress:
    roster: Roster | None
    chunk_count: int | None
    chunks_received: int
    rows_received: int
    rows_failed_so_far: int


async def progress(*, parts: RosterParts, roster_id: str, uscc: str | None) -> Progress:
    """Where a roster is: its state once validated, else how many chunks are checked."""
    found = await parts.rosters.load(roster_id)
    header = await parts.headers.find_one({"_id": roster_id}, {"chunk_count": 1, "uscc": 1})
    owner = found.state.institution_uscc if found else (header or {}).get("uscc")
    received: list[Document] = []
    if found is None:
        count = header["chunk_count"] if header else None
        async for chunk in parts.chunks.find(
            {"roster_id": roster_id}, {"rows.row.seq": 1, "failed": 1, "uscc": 1}
        ):
            received.append(chunk)
            owner = owner or chunk.get("uscc")
    else:
        count = found.state.chunk_count
    if owner is None or (uscc is not None and uscc != owner):
        raise NotFound("名册不存在")
    if found is not None:
        return Progress(
            found.state, count, count or 0, found.state.row_count, found.state.failed_count
        )
    return Progress(
        None,
        count,
        len(received),
        sum(len(chunk.get("rows", [])) for chunk in received),
        sum(int(chunk.get("failed", 0)) for chunk in received),
    )


async def failing_rows(*, parts: RosterParts, roster_id: str, uscc: str | None) -> list[CheckedRow]:
    """The rows of a validated roster that failed, with their problems."""
    found = await parts.rosters.get(roster_id)
    if uscc is not None and found.state.institution_uscc != uscc:
        raise NotFound("名册不存在")
    stored = await parts.checked.read(roster_id) or []
    return [item for item in map(CheckedRow.model_validate, stored) if not item.ok]


async def review(
    *,
    parts: RosterParts,
    roster_id: str,
    stage: ReviewStage,
    approve: bool,
    reviewed_by: str,
    remarks: Sequence[Remark] = (),
    rejected_rows: Mapping[int, str] | None = None,
    today: date,
) -> Roster:
    """A centre's decision; a province approval also orders the numbering, unless the
    institution's serial is still missing (then the roster waits, saying why)."""

    async def attempt() -> Roster:
        found = await parts.rosters.get(roster_id)
        roster, events = model.review(
            found.state,
            stage=stage,
            approve=approve,
            reviewed_by=reviewed_by,
            remarks=remarks,
            rejected_rows=rejected_rows,
        )
        if roster.status is RosterStatus.PROVINCE_APPROVED:
            institution = await parts.institutions.get(roster.institution_uscc)
            try:
                roster, more = model.request_numbering(
                    roster, institution=institution, issue_date=today, at=utc_now()
                )
                events += more
            except MissingInstitutionSerial as refusal:
                roster = model.numbering_refused(roster, refusal.message)
        await parts.rosters.save(roster_id, found.version, roster, [wrap(e) for e in events])
        return roster

    return await parts.rosters.retrying(attempt)


async def request_numbering(
    *, parts: RosterParts, roster_id: str, uscc: str | None, today: date
) -> Roster:
    """Ask again for the numbering of an approved roster (after the serial was recorded)."""

    async def attempt() -> Roster:
        found = await parts.rosters.get(roster_id)
        if uscc is not None and found.state.institution_uscc != uscc:
            raise NotPermitted("无权办理其他机构的名册")
        institution = await parts.institutions.get(found.state.institution_uscc)
        roster, events = model.request_numbering(
            found.state, institution=institution, issue_date=today, at=utc_now()
        )
        await parts.rosters.save(roster_id, found.version, roster, [wrap(e) for e in events])
        return roster

    return await parts.rosters.retrying(attempt)


async def resume_numbering(
    *, parts: RosterParts, after_seconds: float, max_orders: int, now: datetime | None = None
) -> list[str]:
    """Order again the numbering of every roster stalled at "numbering" (its order failed for
    good, e.g. dead-lettered, or was lost); run at start and periodically. A roster ordered
    ``max_orders`` times goes back to "province_approved", saying why. The rosters changed."""
    at = now or utc_now()
    changed = []
    for found in await parts.rosters.find({"status": RosterStatus.NUMBERING.value}):
        if not model.numbering_stalled(found.state, at=at, after_seconds=after_seconds):
            continue
        institution = await parts.institutions.get(found.state.institution_uscc)
        try:
            roster, events = model.reorder_numbering(
                found.state, institution=institution, at=at, max_orders=max_orders
            )
        except MissingInstitutionSerial as refusal:
            update = {"status": RosterStatus.PROVINCE_APPROVED}
            roster = model.numbering_refused(found.state.model_copy(update=update), refusal.message)
            events = []
        with contextlib.suppress(ConcurrentUpdate):  # another replica, or the issue, was first
            await parts.rosters.save(
                found.id, found.version, roster, [wrap(event) for event in events]
            )
            changed.append(found.id)
    return changed


def repository(store: Any) -> RosterRepository:
    return Repository(store, Roster, missing="名册不存在")
