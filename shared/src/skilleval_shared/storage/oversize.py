"""Size limits of what a commit writes: events fit a Kafka message, documents stay far from 16 MB.

An event over ``MAX_EVENT_BYTES`` is refused at commit, before anything is written, so it can
never block the outbox. A commit's events travel inside the commit document up to
``INLINE_EVENT_BYTES``; beyond that they go to part documents of at most that size, so no stored
document approaches MongoDB's 16 MB limit however many events one commit carries.
"""

from __future__ import annotations

import json
from typing import Any

import bson

from skilleval_shared.storage.mongo import Document

MAX_EVENT_BYTES = 256 * 1024  # ARCHITECTURE.md: no message over 256 KB
INLINE_EVENT_BYTES = 4 * 1024 * 1024
MAX_STATE_BYTES = 8 * 1024 * 1024


class CommitTooLarge(ValueError):
    """An event or a state over its size limit: refused before anything is written."""


def json_size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def check_event_size(value: Document) -> None:
    size = json_size(value)
    if size > MAX_EVENT_BYTES:
        raise CommitTooLarge(
            f"event {value.get('type')} is {size} bytes, over the {MAX_EVENT_BYTES}-byte limit"
        )


def check_state_size(state: Document) -> None:
    size = len(bson.encode(state))
    if size > MAX_STATE_BYTES:
        raise CommitTooLarge(f"state is {size} bytes, over the {MAX_STATE_BYTES}-byte limit")


def split_events(
    entries: list[Document], budget: int = INLINE_EVENT_BYTES
) -> tuple[list[Document], list[list[Document]]]:
    """The entries kept in the commit document, and the parts for the rest (in order)."""
    if sum(json_size(entry) for entry in entries) <= budget:
        return entries, []
    parts: list[list[Document]] = [[]]
    used = 0
    for entry in entries:
        size = json_size(entry)
        if parts[-1] and used + size > budget:
            parts.append([])
            used = 0
        parts[-1].append(entry)
        used += size
    return [], parts
