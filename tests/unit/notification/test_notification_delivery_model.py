"""Deliveries: ids and Message-IDs that a redelivery reproduces, backoff, the MIME message."""

from __future__ import annotations

from datetime import UTC, datetime

from skilleval_notification.deliveries.model import (
    Delivery,
    Status,
    backoff_seconds,
    build_email,
    delivery_id,
)
from skilleval_notification.messages.model import Audience, TemplateBook
from skilleval_shared.envelope import wrap
from support import notification_samples as samples

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
BOOK = TemplateBook(certificate_lookup_url="https://zs.example.cn/c/{number}")


def delivery(name: str = samples.HOLDER_NAME) -> Delivery:
    event = wrap(samples.certificate_issued("m1", name=name))
    message = BOOK.render(event.type, {"event": event, "data": event.data})
    assert message is not None
    return Delivery.for_message(
        event_id=event.id,
        owner_uscc=samples.USCC,
        recipient="zhangsan@example.com",
        role=Audience.HOLDER,
        message=message,
        domain="mail.example.cn",
        now=NOW,
    )


def test_the_id_depends_on_event_recipient_and_template_only() -> None:
    first = delivery_id("e-1", "A@example.com", "t")
    assert first == delivery_id("e-1", "a@example.com", "t")
    assert first != delivery_id("e-2", "a@example.com", "t")
    assert first != delivery_id("e-1", "b@example.com", "t")
    assert first != delivery_id("e-1", "a@example.com", "u")


def test_message_id_is_derived_from_the_delivery() -> None:
    made = delivery()
    assert made.message_id == f"<{made.id}@mail.example.cn>"


def test_backoff_doubles_up_to_the_cap() -> None:
    waits = [backoff_seconds(n, base=2, cap=30) for n in range(1, 7)]
    assert waits == [2, 4, 8, 16, 30, 30]


def test_the_email_has_text_and_html_and_the_deterministic_message_id() -> None:
    made = delivery()
    email = build_email(made, sender="通知 <noreply@example.cn>", date=NOW)
    assert email["Message-ID"] == made.message_id
    assert email["To"] == "zhangsan@example.com"
    assert "职业技能等级证书已发放" in str(email["Subject"])
    kinds = [part.get_content_type() for part in email.iter_parts()]
    assert kinds == ["text/plain", "text/html"]


def test_a_delivery_round_trips_through_its_document() -> None:
    made = delivery()
    again = Delivery.from_document(made.to_document())
    assert again == made
    assert again.status is Status.PENDING and again.role is Audience.HOLDER
