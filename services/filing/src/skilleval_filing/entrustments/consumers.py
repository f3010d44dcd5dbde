"""A party's filing status decides whether its accepted entrustments may be used: filing
follows its own status events (suspended, revoked, lapsed, reinstated) for both parties."""

from __future__ import annotations

from typing import Any

from skilleval_filing.clock import CHINA
from skilleval_filing.entrustments import service
from skilleval_filing.entrustments.service import EntrustmentRepository
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.filing import (
    INSTITUTION_STATUS_AFTER,
    FilingLapsed,
    FilingReinstated,
    FilingRevoked,
    FilingSuspended,
)
from skilleval_shared.messaging import EventConsumer


def register(consumer: EventConsumer, entrustments: EntrustmentRepository) -> None:
    async def party_status_changed(event: CloudEvent[Any]) -> None:
        await service.party_status_changed(
            entrustments=entrustments,
            uscc=event.data.uscc,
            status=INSTITUTION_STATUS_AFTER[event.type],
            on=event.time.astimezone(CHINA).date(),
        )

    consumer.on(FilingSuspended, FilingReinstated, FilingRevoked, FilingLapsed)(
        party_status_changed
    )
