"""A tiny event type for testing the storage and messaging primitives on their own."""

from __future__ import annotations

from typing import ClassVar

from skilleval_shared import topics
from skilleval_shared.envelope import EventData


class ProbeRecorded(EventData):
    service: ClassVar[str] = "filing"
    aggregate: ClassVar[str] = "probe"
    action: ClassVar[str] = "recorded"
    topic: ClassVar[str] = topics.FILING_EVENTS
    key_field: ClassVar[str] = "uscc"
    subject_field: ClassVar[str] = "probe_id"

    uscc: str
    probe_id: str
    note: str = ""
