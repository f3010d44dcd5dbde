from __future__ import annotations

from pydantic import Field

from skilleval_shared.settings import Settings


class RegistrySettings(Settings):
    service_name: str = "registry"
    http_port: int = 8004

    # Certificate lookups (page and API together) one client address may make per minute.
    lookups_per_minute: int = Field(default=30, ge=1)
    # The audit log of lookups is written in batches this often.
    audit_flush_seconds: float = Field(default=1.0, gt=0)
    # How stale the statistics may be: each replica counts at most once per this many seconds
    # (one scan of the talent database: ~14 s for 83,000 certificates on FerretDB here).
    statistics_cache_seconds: float = Field(default=300.0, ge=0)

    # A record the province has not acknowledged after this long is in the reconciliation report.
    province_ack_timeout_seconds: float = Field(default=3600.0, ge=0)
    # Certificates whose sync records one consumer batch commits side by side (1: one at a time).
    sync_records_at_once: int = Field(default=16, ge=1, le=256)
    # Runs the stand-in for the provincial talent database inside this process (`make up` only).
    province_simulator: bool = False
    # The share of records the simulator rejects, in percent, chosen by certificate number.
    province_reject_percent: int = Field(default=10, ge=0, le=100)
