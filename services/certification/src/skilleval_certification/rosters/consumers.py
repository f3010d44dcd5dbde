"""Roster chunks and headers from assessment."""

from __future__ import annotations

from typing import Any

from skilleval_certification.rosters import service
from skilleval_certification.rosters.service import RosterParts
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.assessment import RosterRowsSubmitted, RosterSubmitted
from skilleval_shared.messaging import EventConsumer


def register(consumer: EventConsumer, parts: RosterParts) -> None:
    @consumer.on_batch(RosterRowsSubmitted)
    async def chunks_arrived(events: list[CloudEvent[Any]]) -> None:
        await service.receive_chunks(parts=parts, chunks=[event.data for event in events])

    @consumer.on(RosterSubmitted)
    async def header_arrived(event: CloudEvent[Any]) -> None:
        await service.receive_header(parts=parts, header=event.data)
