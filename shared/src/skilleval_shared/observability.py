"""JSON logs that carry the correlation id, and the Prometheus metrics every service exposes."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from prometheus_client import Counter, Histogram

correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "correlation_id", default=None
)


# The id of the event being handled, if any: events created while handling it name it as their
# ``causationid`` (ARCHITECTURE.md "Messages").
causation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "causation_id", default=None
)


@contextmanager
def correlation_scope(value: str | None, *, caused_by: str | None = None) -> Iterator[None]:
    """Within this scope, logs carry ``value`` and new events are correlated with it (and, when
    ``caused_by`` is given, name that event or request as their cause)."""
    token = correlation_id.set(value)
    cause = causation_id.set(caused_by)
    try:
        yield
    finally:
        causation_id.reset(cause)
        correlation_id.reset(token)


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (current := correlation_id.get()) is not None:
            entry["correlation_id"] = current
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiokafka", "pymongo"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


HTTP_REQUESTS = Counter(
    "skilleval_http_requests_total", "HTTP requests", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "skilleval_http_request_seconds", "HTTP request latency", ["service", "method", "route"]
)
CONSUMED = Counter(
    "skilleval_events_consumed_total", "Events consumed", ["service", "type", "outcome"]
)
DEAD_LETTERED = Counter(
    "skilleval_events_dead_lettered_total", "Messages sent to the DLQ", ["service", "topic"]
)
RELAYED = Counter("skilleval_outbox_relayed_total", "Events relayed from the outbox", ["service"])
