"""Logical topic names and their explicit creation (auto-create is off on the broker)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from skilleval_shared.settings import Settings

FILING_EVENTS = "filing.events.v1"
ASSESSMENT_EVENTS = "assessment.events.v1"
CERTIFICATION_EVENTS = "certification.events.v1"
# certification's own topic, keyed by issuing institution: numbering is serialized per key.
CERTIFICATION_NUMBERING = "certification.numbering.v1"
REGISTRY_PROVINCE_SYNC = "registry.province-sync.v1"
PROVINCE_ACKS = "province.acks.v1"
NOTIFICATION_EVENTS = "notification.events.v1"

SERVICES = ("filing", "assessment", "certification", "registry", "notification")


def dlq(service: str) -> str:
    return f"dlq.{service}"


ALL_TOPICS: tuple[str, ...] = (
    FILING_EVENTS,
    ASSESSMENT_EVENTS,
    CERTIFICATION_EVENTS,
    CERTIFICATION_NUMBERING,
    REGISTRY_PROVINCE_SYNC,
    PROVINCE_ACKS,
    NOTIFICATION_EVENTS,
    *(dlq(service) for service in SERVICES),
)

logger = logging.getLogger(__name__)


async def ensure_topics(settings: Settings, names: tuple[str, ...] = ALL_TOPICS) -> list[str]:
    """Create the physical topics that do not exist yet; return those created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [settings.topic(name) for name in names]
        missing = [name for name in wanted if name not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another replica was first
                await admin.create_topics(
                    [
                        NewTopic(
                            name, num_partitions=settings.topic_partitions, replication_factor=1
                        )
                        for name in missing
                    ]
                )
            logger.info("created topics %s", missing)
            await _wait_for_leaders(admin, missing)
        return missing
    finally:
        await admin.close()


async def _wait_for_leaders(
    admin: AIOKafkaAdminClient, names: list[str], timeout: float = 30
) -> None:
    """New partitions refuse writes until a leader is elected; wait for that, briefly."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        described = await admin.describe_topics(names)
        if all(
            topic.get("error_code", 0) == 0
            and topic.get("partitions")
            and all(p.get("leader", -1) >= 0 for p in topic["partitions"])
            for topic in described
        ):
            return
        await asyncio.sleep(0.1)
