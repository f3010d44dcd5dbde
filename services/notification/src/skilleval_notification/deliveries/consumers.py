"""Every event type with a template is handled by the postman (which also keeps the contacts)."""

from __future__ import annotations

from skilleval_notification.deliveries.service import Postman
from skilleval_shared.events import CATALOG
from skilleval_shared.messaging import EventConsumer


def register(consumer: EventConsumer, postman: Postman) -> None:
    # A batch is one bulk claim, one bulk log insert and chunked bulk outcomes, where one event
    # at a time would cost a few database round trips per email.
    handled = [CATALOG[event_type] for event_type in sorted(postman.templates.event_types)]
    consumer.on_batch(*handled)(postman.handle_batch)
