"""Commit Kafka offsets of handled messages in batches instead of one round trip per message.

Only offsets of messages whose handling finished are committed (offset + 1 per partition), so a
crash redelivers at most the handled-but-uncommitted tail, which the idempotency guard absorbs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

logger = logging.getLogger(__name__)


class OffsetCommitter:
    def __init__(self, *, max_pending: int = 200, interval_seconds: float = 0.5) -> None:
        self.max_pending = max_pending
        self.interval_seconds = interval_seconds
        # One aiokafka consumer per subscribed topic; each commits its own partitions.
        self._pending: dict[Any, dict[TopicPartition, int]] = {}
        self._count = 0
        self._task: asyncio.Task[None] | None = None

    async def handled(self, consumer: Any, topic: str, partition: int, offset: int) -> None:
        self._pending.setdefault(consumer, {})[TopicPartition(topic, partition)] = offset + 1
        self._count += 1
        if self._count >= self.max_pending:
            await self.flush()

    async def flush(self) -> None:
        pending, self._pending, self._count = self._pending, {}, 0
        for consumer, offsets in pending.items():
            try:
                await consumer.commit(offsets)
            except (KafkaError, AssertionError) as error:
                # The partitions moved to another member (rebalance): it will redeliver from
                # the last commit, and the idempotency guard makes that harmless.
                logger.warning("offset commit skipped: %r", error)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="offset-committer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_seconds)
            if self._count:
                await self.flush()
