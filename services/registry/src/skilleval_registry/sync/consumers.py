"""The province's acknowledgements (the certificate events reach the sync through
``talent.consumers``: one handler per event type, the talent database first)."""

from __future__ import annotations

from skilleval_registry.sync.service import ProvinceSync
from skilleval_shared.events.registry import ProvinceSyncAcknowledged
from skilleval_shared.messaging import EventConsumer


def register(consumer: EventConsumer, sync: ProvinceSync) -> None:
    consumer.on_batch(ProvinceSyncAcknowledged)(sync.record_acknowledgements)
