"""Settings shared by every service, read from the environment (names as in ARCHITECTURE.md)."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Literal

from pydantic import Field, IPvAnyNetwork, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """One class for every service; each service sets ``service_name`` and its default port."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    service_name: str = "skilleval"
    environment: Literal["development", "test", "production"] = "development"

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    mongodb_url: str = "mongodb://127.0.0.1:27017"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025

    http_host: str = "127.0.0.1"
    http_port: int = 8000
    # Who may read /metrics: the operator's networks (loopback and private ranges by default),
    # never the public. Health probes stay open to load balancers; they reveal nothing.
    metrics_allowed_networks: tuple[IPvAnyNetwork, ...] = (
        IPv4Network("127.0.0.0/8"),
        IPv6Network("::1/128"),
        IPv4Network("10.0.0.0/8"),
        IPv4Network("172.16.0.0/12"),
        IPv4Network("192.168.0.0/16"),
    )

    # Isolates topics, consumer groups and databases, so that test runs never meet each other
    # or a running system. Empty in production.
    namespace: str = ""

    topic_partitions: int = Field(default=6, ge=1)
    consumer_max_attempts: int = Field(default=3, ge=1)
    # Kafka consumers per subscribed topic in one process; each owns whole partitions, so
    # events of one key stay in order while different partitions are handled side by side.
    consumer_workers: int = Field(default=3, ge=1, le=32)
    consumer_retry_backoff_seconds: float = Field(default=0.2, ge=0)
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    # A pointer whose commit has not appeared after this long is fenced (its version voided).
    # Only the dead writer's own version waits that long, so it is generous: well above one
    # insert's timeout (MONGODB_TIMEOUT_MS), so that a live but slow commit is never voided.
    outbox_fence_seconds: float = Field(default=30.0, ge=0)
    # One relay per service works at a time; a standby takes over after the holder has been
    # silent this long.
    outbox_lease_seconds: float = Field(default=6.0, gt=0)
    # Every database call gives up after this long (PyMongo's timeoutMS).
    mongodb_timeout_ms: int = Field(default=10_000, ge=100)

    jwt_public_key_file: Path | None = None
    jwt_private_key_file: Path | None = None
    jwt_issuer: str = "skilleval-filing"
    jwt_ttl_seconds: int = Field(default=3600, ge=60)

    # Requests per minute one client address may make to the public read endpoints
    # (/api/v1/public/...); public writes have their own, lower limits.
    public_reads_per_minute: int = Field(default=600, ge=1)
    # How stale a public list (notices, the directory) may be: each replica scans at most once
    # per this many seconds. 0 scans on every request.
    public_cache_seconds: float = Field(default=30.0, ge=0)

    log_level: str = "INFO"

    @model_validator(mode="after")
    def _refuse_missing_secrets_in_production(self) -> Settings:
        if self.environment == "production" and self.jwt_public_key_file is None:
            raise ValueError("JWT_PUBLIC_KEY_FILE must be set in production")
        return self

    @property
    def database_name(self) -> str:
        return f"skilleval_{self.service_name}{self.namespace_suffix}"

    @property
    def namespace_suffix(self) -> str:
        return f"_{self.namespace}" if self.namespace else ""

    def topic(self, name: str) -> str:
        """The physical Kafka topic for a logical topic name."""
        return f"{self.namespace}.{name}" if self.namespace else name

    @property
    def consumer_group(self) -> str:
        return f"skilleval-{self.service_name}{self.namespace_suffix}"
