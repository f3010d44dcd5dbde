"""The complete event catalog: one module per producing service, gathered here by type."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from skilleval_shared.envelope import CloudEvent, EventData
from skilleval_shared.events import assessment, certification, filing, notification, registry

_MODULES = (filing, assessment, certification, registry, notification)


def _collect() -> dict[str, type[EventData]]:
    catalog: dict[str, type[EventData]] = {}
    for module in _MODULES:
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, EventData)
                and "action" in value.__dict__
            ):
                event_type = value.event_type()
                if event_type in catalog:
                    raise RuntimeError(f"duplicate event type {event_type}")
                catalog[event_type] = value
    return catalog


CATALOG: dict[str, type[EventData]] = _collect()


class UnknownEventType(ValueError):
    pass


def parse_event(raw: bytes | str | dict[str, Any]) -> CloudEvent[EventData]:
    """Parse and validate a structured-mode CloudEvent whose type is in the catalog."""
    document: Any = json.loads(raw) if isinstance(raw, bytes | str) else raw
    if not isinstance(document, dict):
        raise UnknownEventType("event is not a JSON object")
    data_class = CATALOG.get(str(document.get("type")))
    if data_class is None:
        raise UnknownEventType(f"unknown event type {document.get('type')!r}")
    try:
        return CloudEvent[data_class].model_validate(document)  # type: ignore[valid-type]
    except ValidationError:
        raise


__all__ = ["CATALOG", "UnknownEventType", "parse_event"]
