"""Commit Kafka offsets of handled messages: one commit per handled batch, never before.

Only offsets of messages whose handling finished are committed (offset + 1 per partition), so a
crash redelivers at most the handled-but-uncommitted tail, which the idempotency guard absorbs.
``handled`` collects offsets to commit later in one round trip (``flush``, also every
``interval_seconds`` once started); ``commit`` commits at once.
"""

from __future__ import annotations

import logging
from typing import Any

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

from skilleval_shared.tasks import Periodic

logger = logging.getLogger(__name__)


class OffsetCommitter:
    def __init__(self, *, max_pending: int = 200, interval_seconds: float = 0.5) -> None:
        self.max_pending = max_pending
        self.interval_seconds = interval_seconds
        # Several aiokafka consumers per subscribed topic; each commits its own partitions.
        self._pending: dict[Any, dict[TopicPartition, int]] = {}
        self._count = 0
        self._loop = Periodic("offset-committer", self._flush_if_pending, interval_seconds)

    async def handled(self, consumer: Any, topic: str, partition: int, offset: int) -> None:
        self._pending.setdefault(consumer, {})[TopicPartition(topic, partition)] = offset + 1
        self._count += 1
        if self._count >= self.max_pending:
            await self.flush()

    async def commit(self, consumer: Any, offsets: dict[TopicPartition, int]) -> bool:
        """Commit ``offsets`` (the next offset to read, per partition) of partitions that
        ``consumer`` still owns; False if none was committed."""
        owned = consumer.assignment()
        mine = {tp: offset for tp, offset in offsets.items() if tp in owned}
        if not mine:
            # The partitions moved to another member (rebalance): it redelivers from the last
            # commit, and the idempotency guard makes that harmless.
            return False
        try:
            await consumer.commit(mine)
        except (KafkaError, AssertionError) as error:
            logger.warning("offset commit skipped: %r", error)
            return False
        return True

    async def flush(self) -> None:
        pending, self._pending, self._count = self._pending, {}, 0
        for consumer, offsets in pending.items():
            await self.commit(consumer, offsets)

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
        await self.flush()

    async def _flush_if_pending(self) -> None:
        if self._count:
            await self.flush()
