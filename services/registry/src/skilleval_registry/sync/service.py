"""Provincial sync: each certificate's record sent to ``registry.province-sync.v1`` through the
outbox (one aggregate per certificate, so a send and its state commit together), the
province's acknowledgements, resends of a range, and the reconciliation report."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from skilleval_registry.sync import model
from skilleval_registry.sync.model import SyncRecord, SyncStatus
from skilleval_shared.domain_errors import InvalidRequest
from skilleval_shared.envelope import CloudEvent, new_event_id, utc_now, wrap
from skilleval_shared.events.certification import (
    CERTIFICATE_ISSUED,
    AnyCertificateIssued,
    CertificateCorrected,
    CertificateReissued,
    CertificateRevoked,
)
from skilleval_shared.events.registry import ProvinceSyncAcknowledged
from skilleval_shared.messaging import event_scope
from skilleval_shared.repository import Loaded, Repository
from skilleval_shared.tasks import gather_limited

MAX_RESEND = 10_000
MAX_REPORTED = 10_000


class ProvinceSync:
    def __init__(
        self,
        repository: Repository[SyncRecord],
        *,
        ack_timeout_seconds: float,
        records_at_once: int = 16,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.records = repository
        # Each record is its own aggregate (a load and a commit: six round trips); one at a time,
        # a 10,000-row roster's sends and acknowledgements queue on round-trip latency
        # (docs/benchmarks.md), so a consumer batch commits this many certificates side by side.
        self.records_at_once = records_at_once
        self.ack_timeout_seconds = ack_timeout_seconds
        self.clock = clock

    async def record_certificate_events(self, events: Sequence[CloudEvent[Any]]) -> None:
        """A consumer batch of certificate events. A certificate's first issue (the bulk of a
        roster) is committed with the others in bulk writes (``Repository.save_many``) as a
        new record; a certificate that has a record already, or more than one event here, is
        decided one at a time (``per_certificate``)."""
        fresh, others = _first_issues(events)
        decided: list[tuple[str, int, SyncRecord, list[CloudEvent[Any]]]] = []
        for event in fresh:
            data: AnyCertificateIssued = event.data
            record, message = model.on_issued(None, data, sync_id=new_event_id(), now=self.clock())
            with event_scope(event):  # the send names the certificate event as its cause
                sent = [wrap(message)] if message is not None else []
            decided.append((data.certificate_number, 0, record, sent))
        refused = await self.records.save_many(decided) if decided else set()
        again = [e for e in fresh if e.data.certificate_number in refused]
        await per_certificate(
            events=[*others, *again],
            handle=self.record_certificate_event,
            at_once=self.records_at_once,
        )

    async def record_acknowledgements(self, events: Sequence[CloudEvent[Any]]) -> None:
        """A consumer batch of the province's answers: the records loaded side by side, the
        answered ones committed in bulk writes; a record that moved meanwhile, or a certificate
        answered twice here, is decided one at a time."""
        single, others = _one_per_certificate(events)
        loaded = await self.records.load_many([e.data.certificate_number for e in single])
        decided: list[tuple[str, int, SyncRecord, list[CloudEvent[Any]]]] = []
        for event, found in zip(single, loaded, strict=True):
            if found is None:
                continue  # an answer about a record this side never sent
            answered = model.on_acknowledged(found.state, event.data, now=self.clock())
            if answered is not None:
                decided.append((found.id, found.version, answered, []))
        refused = await self.records.save_many(decided) if decided else set()
        again = [e for e in single if e.data.certificate_number in refused]
        await per_certificate(
            events=[*others, *again],
            handle=self.record_acknowledgement,
            at_once=self.records_at_once,
        )

    async def record_certificate_event(self, event: CloudEvent[Any]) -> None:
        data = event.data
        rule: Any
        if isinstance(data, CERTIFICATE_ISSUED):
            rule = model.on_issued
        elif isinstance(data, CertificateRevoked):
            rule = model.on_revoked
        elif isinstance(data, CertificateReissued):
            rule = model.on_reissued
        elif isinstance(data, CertificateCorrected):
            rule = model.on_corrected
        else:
            raise TypeError(f"not a certificate event: {event.type}")

        async def attempt() -> None:
            found = await self.records.load(data.certificate_number)
            record, message = rule(
                found.state if found else None, data, sync_id=new_event_id(), now=self.clock()
            )
            if message is not None or found is None:
                await self.records.save(
                    data.certificate_number,
                    found.version if found else 0,
                    record,
                    [wrap(message)] if message else [],
                )

        await self.records.retrying(attempt)

    async def record_acknowledgement(self, event: CloudEvent[Any]) -> None:
        data: ProvinceSyncAcknowledged = event.data

        async def attempt() -> None:
            found = await self.records.load(data.certificate_number)
            if found is None:
                return  # an answer about a record this side never sent
            answered = model.on_acknowledged(found.state, data, now=self.clock())
            if answered is not None:
                await self.records.save(data.certificate_number, found.version, answered)

        await self.records.retrying(attempt)

    async def get(self, *, number: str) -> SyncRecord:
        return (await self.records.get(number)).state

    async def resend(self, *, first: str, last: str) -> list[str]:
        """Send again every record from certificate number ``first`` to ``last``."""
        if first > last:
            raise InvalidRequest("起始证书编号不能大于结束证书编号")
        found = await self.records.find(
            {"certificate_number": {"$gte": first, "$lte": last}}, limit=MAX_RESEND + 1
        )
        if len(found) > MAX_RESEND:
            raise InvalidRequest(f"一次最多重发{MAX_RESEND}条，请缩小编号范围")
        sent = []
        for item in sorted(found, key=lambda loaded: loaded.id):
            if await self._resend_one(item.id):
                sent.append(item.id)
        return sent

    async def _resend_one(self, number: str) -> bool:
        async def attempt() -> bool:
            found: Loaded[SyncRecord] = await self.records.get(number)
            record, message = model.resend(found.state, sync_id=new_event_id(), now=self.clock())
            if message is None:
                return False
            await self.records.save(number, found.version, record, [wrap(message)])
            return True

        return await self.records.retrying(attempt)

    async def reconciliation(self, *, older_than_seconds: float | None = None) -> dict[str, Any]:
        """What the province has not acknowledged ``older_than_seconds`` (default: the setting)
        after it was sent, and what it rejected. A scan: a staff report, not a public read."""
        waited = self.ack_timeout_seconds if older_than_seconds is None else older_than_seconds
        cutoff = self.clock() - timedelta(seconds=waited)
        unanswered = await self.records.find(
            {"status": SyncStatus.PENDING.value, "sent_at_epoch": {"$lte": cutoff.timestamp()}},
            limit=MAX_REPORTED,
        )
        rejected = await self.records.find(
            {"status": SyncStatus.REJECTED.value}, limit=MAX_REPORTED
        )
        return {
            "generated_at": self.clock(),
            "older_than_seconds": waited,
            "unacknowledged": sorted((item.state for item in unanswered), key=_number),
            "rejected": sorted((item.state for item in rejected), key=_number),
        }

    async def summary(self) -> dict[str, int]:
        """How many records are in each state, counted in the server."""
        counted = await self.records.count_by("status")
        return {status.value: counted.get(status.value, 0) for status in SyncStatus}


def _one_per_certificate(
    events: Sequence[CloudEvent[Any]],
) -> tuple[list[CloudEvent[Any]], list[CloudEvent[Any]]]:
    """The events of certificates that have exactly one here, and all the others (in order)."""
    counts: dict[str, int] = {}
    for event in events:
        number = event.data.certificate_number
        counts[number] = counts.get(number, 0) + 1
    single = [e for e in events if counts[e.data.certificate_number] == 1]
    return single, [e for e in events if counts[e.data.certificate_number] > 1]


def _first_issues(
    events: Sequence[CloudEvent[Any]],
) -> tuple[list[CloudEvent[Any]], list[CloudEvent[Any]]]:
    """Issues of certificates with no other event here (new records, most likely), and the rest."""
    single, others = _one_per_certificate(events)
    fresh = [e for e in single if isinstance(e.data, CERTIFICATE_ISSUED)]
    return fresh, [*others, *(e for e in single if not isinstance(e.data, CERTIFICATE_ISSUED))]


async def per_certificate(
    *,
    events: Sequence[CloudEvent[Any]],
    handle: Callable[[CloudEvent[Any]], Awaitable[None]],
    at_once: int,
) -> None:
    """Each certificate's events in their order, ``at_once`` certificates side by side
    (their records are separate aggregates). Every handler is idempotent: if one fails, the
    consumer retries the whole batch and what was done is recognised."""
    by_number: dict[str, list[CloudEvent[Any]]] = {}
    for event in events:
        by_number.setdefault(event.data.certificate_number, []).append(event)

    async def in_order(group: list[CloudEvent[Any]]) -> None:
        for event in group:
            with event_scope(event):  # what it publishes names its own cause
                await handle(event)

    await gather_limited((in_order(group) for group in by_number.values()), at_once)


def _number(record: SyncRecord) -> str:
    return record.certificate_number
