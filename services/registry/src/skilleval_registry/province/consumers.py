from __future__ import annotations

from skilleval_registry.province.service import ProvinceSimulator
from skilleval_shared.events.registry import SyncRecorded
from skilleval_shared.messaging import EventConsumer


def register(consumer: EventConsumer, simulator: ProvinceSimulator) -> None:
    consumer.on_batch(SyncRecorded)(simulator.answer_all)
