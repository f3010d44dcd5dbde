"""Provincial sync: each certificate's record sent to ``registry.province-sync.v1`` through the
outbox (one aggregate per certificate, so a send and its state commit together), the
province's acknowledgements, resends of a range, and the reconciliation report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from skilleval_registry.sync import model
from skilleval_registry.sync.model import SyncRecord, SyncStatus
from skilleval_shared.domain_errors import InvalidRequest
from skilleval_shared.envelope import CloudEvent, new_event_id, utc_now, wrap
from skilleval_shared.events.certification import (
    CERTIFICATE_ISSUED,
    CertificateCorrected,
    CertificateReissued,
    CertificateRevoked,
)
from skilleval_shared.events.registry import ProvinceSyncAcknowledged
from skilleval_shared.repository import Loaded, Repository

MAX_RESEND = 10_000
MAX_REPORTED = 10_000


class ProvinceSync:
    def __init__(
        self,
        repository: Repository[SyncRecord],
        *,
        ack_timeout_seconds: float,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.records = repository
        self.ack_timeout_seconds = ack_timeout_seconds
        self.clock = clock

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


def _number(record: SyncRecord) -> str:
    return record.certificate_number
