"""Roster chunks and headers from assessment."""

from __future__ import annotations

from typing import Any

from skilleval_certification.rosters import service
from skilleval_certification.rosters.service import RosterParts
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.assessment import RosterRowsSubmitted, RosterSubmitted
from skilleval_shared.messaging import EventConsumer


def register(consumer: EventConsumer, parts: RosterParts) -> None:
    @consumer.on(RosterRowsSubmitted)
    async def chunk_arrived(event: CloudEvent[Any]) -> None:
        await service.receive_chunk(parts=parts, chunk=event.data)

    @consumer.on(RosterSubmitted)
    async def header_arrived(event: CloudEvent[Any]) -> None:
        await service.receive_header(parts=parts, header=event.data)
