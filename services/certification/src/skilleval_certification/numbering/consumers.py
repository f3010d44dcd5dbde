"""The numbering topic: one consumer per partition, so one institution at a time."""

from __future__ import annotations

from typing import Any

from skilleval_certification.numbering import service
from skilleval_certification.numbering.service import NumberingParts
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.certification import NumberingRequested
from skilleval_shared.messaging import EventConsumer


def register(consumer: EventConsumer, parts: NumberingParts) -> None:
    @consumer.on(NumberingRequested)
    async def numbering_requested(event: CloudEvent[Any]) -> None:
        await service.number_roster(parts=parts, order=event.data)
