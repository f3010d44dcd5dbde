from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from skilleval_shared.settings import Settings
from support.infra import Infra, provide_infra


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    with provide_infra() as provided:
        yield provided


@pytest.fixture
def namespace() -> str:
    """Unique per test: topics, consumer groups and databases never meet another test's."""
    return "t" + uuid.uuid4().hex[:12]


@pytest.fixture
async def kafka_namespace(infra: Infra, namespace: str) -> AsyncIterator[str]:
    """Delete the test's topics afterwards: a broker keeps files open for every partition."""
    yield namespace
    from support.kafka import delete_namespace_topics

    await delete_namespace_topics(infra.kafka_bootstrap_servers, namespace)


@pytest.fixture
def make_settings(infra: Infra, kafka_namespace: str) -> Callable[..., Settings]:
    namespace = kafka_namespace

    def build(
        service_name: str, settings_class: type[Settings] = Settings, **overrides: Any
    ) -> Settings:
        values: dict[str, Any] = {
            "service_name": service_name,
            "environment": "test",
            "kafka_bootstrap_servers": infra.kafka_bootstrap_servers,
            "mongodb_url": infra.mongodb_url,
            "smtp_host": infra.smtp_host,
            "smtp_port": infra.smtp_port,
            "namespace": namespace,
            # One partition per topic keeps a full test run light on the broker; the services
            # started as processes use the production default (six) and a test checks it.
            "topic_partitions": 1,
            # With one partition a second worker would only idle in the group.
            "consumer_workers": 1,
            "public_reads_per_minute": 100_000,
            # Tests read their own writes across replicas; the cache has tests of its own.
            "public_cache_seconds": 0,
            "consumer_retry_backoff_seconds": 0.05,
            "outbox_poll_seconds": 0.2,
        }
        return settings_class(**(values | overrides))

    return build


@pytest.fixture
async def mongo(infra: Infra, namespace: str) -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_url, tz_aware=True)
    yield client
    for name in await client.list_database_names():
        if name.endswith(f"_{namespace}"):
            await client.drop_database(name)
    await client.close()


@pytest.fixture(scope="session")
def jwt_keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from skilleval_shared.keygen import generate_keypair

    directory = tmp_path_factory.mktemp("keys")
    private, public = generate_keypair()
    (directory / "jwt-private.pem").write_text(private)
    (directory / "jwt-public.pem").write_text(public)
    return {
        "JWT_PRIVATE_KEY_FILE": str(directory / "jwt-private.pem"),
        "JWT_PUBLIC_KEY_FILE": str(directory / "jwt-public.pem"),
    }


@pytest.fixture
def service_env(infra: Infra, kafka_namespace: str, jwt_keys: dict[str, str]) -> dict[str, str]:
    namespace = kafka_namespace
    """Environment for service processes started by a test."""
    return (
        infra.env()
        | jwt_keys
        | {
            "NAMESPACE": namespace,
            "ENVIRONMENT": "test",
            "OUTBOX_POLL_SECONDS": "0.2",
            "CONSUMER_RETRY_BACKOFF_SECONDS": "0.05",
        }
    )
