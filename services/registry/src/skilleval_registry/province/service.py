"""A stand-in for the provincial talent database (no provincial system is reachable here):
it answers every ``SyncRecorded`` with a ``ProvinceSyncAcknowledged``, rejecting a share of
records with a reason. Runs inside the registry when ``PROVINCE_SIMULATOR`` is on (`make up`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from skilleval_registry.province.model import REJECTION_REASON, rejects
from skilleval_shared.envelope import CloudEvent, wrap
from skilleval_shared.events.registry import ProvinceSyncAcknowledged, SyncRecorded
from skilleval_shared.messaging import event_scope

Publish = Callable[[CloudEvent[Any]], Awaitable[None]]


class ProvinceSimulator:
    def __init__(self, *, publish: Publish, reject_percent: int) -> None:
        self.publish = publish
        self.reject_percent = reject_percent

    async def answer_all(self, events: Sequence[CloudEvent[Any]]) -> None:
        """A consumer batch answered at once: the sends overlap (one produce round trip for the
        batch, not one per record; a 10,000-row roster's answers took ~10,000 of them)."""

        async def answered(event: CloudEvent[Any]) -> None:
            with event_scope(event):
                await self.answer(event)

        await asyncio.gather(*(answered(event) for event in events))

    async def answer(self, event: CloudEvent[Any]) -> None:
        data: SyncRecorded = event.data
        rejected = rejects(data.certificate_number, self.reject_percent)
        await self.publish(
            wrap(
                ProvinceSyncAcknowledged(
                    certificate_number=data.certificate_number,
                    sync_id=data.sync_id,
                    accepted=not rejected,
                    message=REJECTION_REASON if rejected else None,
                )
            )
        )
