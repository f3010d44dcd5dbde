"""The certification events the talent database is built from, and what follows each one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from skilleval_registry.talent.service import CERTIFICATE_EVENTS, TalentDatabase
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.messaging import EventConsumer

BatchReaction = Callable[[list[CloudEvent[Any]]], Awaitable[None]]


def register(
    consumer: EventConsumer, talent: TalentDatabase, then: Sequence[BatchReaction] = ()
) -> None:
    """The consumer routes each event type to one handler: the talent database is written
    first, then each reaction (the provincial sync) with the whole batch; a retry repeats all,
    each idempotent."""

    async def record_batch(events: list[CloudEvent[Any]]) -> None:
        await talent.record(events)  # in bulk
        for reaction in then:
            await reaction(events)

    consumer.on_batch(*CERTIFICATE_EVENTS)(record_batch)
