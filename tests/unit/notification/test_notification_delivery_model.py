"""Deliveries: ids and Message-IDs that a redelivery reproduces, backoff, the MIME message."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from skilleval_notification.deliveries.model import (
    Delivery,
    Status,
    backoff_seconds,
    build_email,
    delivery_id,
    sender_header,
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


def parsed(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_the_email_has_text_and_html_and_the_deterministic_message_id() -> None:
    made = delivery(name=samples.MALICIOUS_NAME)
    sender, address = sender_header("青岛市职业技能等级认定通知 <noreply@example.cn>")
    assert sender.isascii() and address == "noreply@example.cn"
    raw = build_email(made, sender=sender, date=NOW)
    assert raw.isascii()
    email = parsed(raw)
    assert email["Message-ID"] == made.message_id
    assert email["To"] == "zhangsan@example.com"
    assert email["From"].addresses[0].display_name == "青岛市职业技能等级认定通知"
    assert email["Subject"] == made.subject and "职业技能等级证书已发放" in email["Subject"]
    text, html = list(email.iter_parts())
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert text.get_content() == made.text
    assert html.get_content() == made.html and "&lt;script&gt;" in html.get_content()


@pytest.mark.parametrize(
    "address", ["a b@example.com", "a@example.com>\r\nBcc: x@y.cn", "张三@example.com", "a@b,c"]
)
def test_an_address_no_smtp_server_could_take_is_refused(address: str) -> None:
    made = dataclasses.replace(delivery(), recipient=address)
    with pytest.raises(ValueError):
        build_email(made, sender="x@example.cn", date=NOW)


def test_a_delivery_round_trips_through_its_document() -> None:
    made = delivery()
    again = Delivery.from_document(made.to_document(with_body=True))
    assert again == made
    assert again.status is Status.PENDING and again.role is Audience.HOLDER


def test_a_delivery_of_no_enterprise_round_trips_through_its_document() -> None:
    # A province rejection whose certificate notification has not seen yet goes to the city
    # centre with no owner; reading it back failed, and with it every retry round (`make chaos`,
    # SMTP down: the holders' emails that failed during the outage were never sent again).
    made = dataclasses.replace(delivery(), owner_uscc=None, role=Audience.CITY_CENTER)
    again = Delivery.from_document(made.to_document(with_body=True))
    assert again == made and again.owner_uscc is None


def test_the_log_keeps_no_body_unless_asked() -> None:
    document = delivery().to_document()
    assert "text" not in document and "html" not in document
    assert document["subject"] and document["message_id"]
