"""certification's QR signing keys, kept for verification."""

from __future__ import annotations

from skilleval_registry.verification.service import Verifier
from skilleval_shared.events.certification import SigningKeyPublished
from skilleval_shared.messaging import EventConsumer


def register(consumer: EventConsumer, verifier: Verifier) -> None:
    consumer.on(SigningKeyPublished)(verifier.record_key)
