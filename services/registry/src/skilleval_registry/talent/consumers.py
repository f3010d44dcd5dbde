"""The certification events the talent database is built from, and what follows each one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from skilleval_registry.talent.service import CERTIFICATE_EVENTS, TalentDatabase
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.messaging import EventConsumer

Reaction = Callable[[CloudEvent[Any]], Awaitable[None]]


def register(
    consumer: EventConsumer, talent: TalentDatabase, then: Sequence[Reaction] = ()
) -> None:
    """The consumer routes each event type to one handler: the talent database is written
    first, then each reaction (the provincial sync); a retry repeats all, each idempotent."""

    async def record_batch(events: list[CloudEvent[Any]]) -> None:
        await talent.record(events)  # in bulk
        for event in events:
            for reaction in then:
                await reaction(event)

    consumer.on_batch(*CERTIFICATE_EVENTS)(record_batch)
