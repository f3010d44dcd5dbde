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

    # TODO(core on_batch): register with ``consumer.on_batch`` once the batch consumer is
    # merged; ``talent.record`` already takes a batch and applies it in bulk.
    async def record_one(event: CloudEvent[Any]) -> None:
        await talent.record([event])
        for reaction in then:
            await reaction(event)

    consumer.on(*CERTIFICATE_EVENTS)(record_one)
