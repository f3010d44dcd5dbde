"""Every event type with a template is handled by the postman (which also keeps the contacts)."""

from __future__ import annotations

from skilleval_notification.deliveries.service import Postman
from skilleval_shared.events import CATALOG
from skilleval_shared.messaging import EventConsumer


def register(consumer: EventConsumer, postman: Postman) -> None:
    # TODO: register with ``consumer.on_batch`` once the batch consumer is merged into this
    # base: ``postman.handle_many`` already takes a batch (one bulk claim, one bulk log insert).
    handled = [CATALOG[event_type] for event_type in sorted(postman.templates.event_types)]
    consumer.on(*handled)(postman.handle)
