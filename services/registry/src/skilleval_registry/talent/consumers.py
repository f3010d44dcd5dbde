"""The certification events the talent database is built from."""

from __future__ import annotations

from typing import Any

from skilleval_registry.talent.service import CERTIFICATE_EVENTS, TalentDatabase
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.messaging import EventConsumer


def register(consumer: EventConsumer, talent: TalentDatabase) -> None:
    # TODO(core on_batch): register ``talent.record`` with ``consumer.on_batch`` once the batch
    # consumer is merged; the service already takes a batch and applies it in bulk.
    async def record_one(event: CloudEvent[Any]) -> None:
        await talent.record([event])

    consumer.on(*CERTIFICATE_EVENTS)(record_one)
