"""A delivery is one email for one (event, recipient, template); its id and Message-ID derive
from those three, so a re-delivered event maps to the same delivery and the same Message-ID.

Each attempt to send is claimed (``<delivery id>#<attempt>``) before it is made, so an attempt
is made once, whichever replica or restart gets there; a transient failure schedules the next
attempt after a backoff, until ``max_attempts``, after which the delivery has failed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from enum import StrEnum
from typing import Any

from skilleval_notification.messages.model import Audience, Message


class Status(StrEnum):
    PENDING = "pending"  # not attempted yet, or an attempt is under way
    RETRYING = "retrying"  # an attempt failed transiently; another is scheduled
    SENT = "sent"
    FAILED = "failed"  # given up on: permanently refused, or out of attempts


class Outcome(StrEnum):
    """What an attempt's claim records."""

    SENT = "sent"
    RETRY = "retry"  # failed transiently, the next attempt is scheduled
    FAILED = "failed"


def delivery_id(event_id: str, recipient: str, template: str) -> str:
    digest = hashlib.sha256(f"{event_id}\n{recipient.casefold()}\n{template}".encode())
    return digest.hexdigest()[:40]


def message_id(identifier: str, domain: str) -> str:
    return f"<{identifier}@{domain}>"


def attempt_key(identifier: str, attempt: int) -> str:
    return f"{identifier}#{attempt}"


def backoff_seconds(attempt: int, *, base: float, cap: float) -> float:
    """The wait after failed attempt ``attempt`` (1, 2, …): doubling from ``base``, capped."""
    return float(min(cap, base * 2 ** (attempt - 1)))


@dataclass(frozen=True)
class Delivery:
    id: str
    event_id: str
    event_type: str
    owner_uscc: str | None
    recipient: str
    role: Audience
    subject: str
    text: str
    html: str
    message_id: str
    created_at: datetime
    status: Status = Status.PENDING
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None
    next_attempt_at: datetime | None = None

    @classmethod
    def for_message(
        cls,
        *,
        event_id: str,
        owner_uscc: str | None,
        recipient: str,
        role: Audience,
        message: Message,
        domain: str,
        now: datetime,
    ) -> Delivery:
        identifier = delivery_id(event_id, recipient, message.template)
        return cls(
            id=identifier,
            event_id=event_id,
            event_type=message.template,
            owner_uscc=owner_uscc,
            recipient=recipient,
            role=role,
            subject=message.subject,
            text=message.text,
            html=message.html,
            message_id=message_id(identifier, domain),
            created_at=now,
        )

    def to_document(self) -> dict[str, Any]:
        document = {name: getattr(self, name) for name in self.__dataclass_fields__}
        document["_id"] = document.pop("id")
        return document

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Delivery:
        fields: dict[str, Any] = {
            name: document[name]
            for name in cls.__dataclass_fields__
            if document.get(name) is not None
        }
        fields["status"] = Status(fields.get("status", Status.PENDING))
        fields["role"] = Audience(fields["role"])
        return cls(id=document["_id"], **fields)


def build_email(delivery: Delivery, *, sender: str, date: datetime) -> EmailMessage:
    """The MIME message: text and HTML alternatives, the deterministic Message-ID."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = Address(addr_spec=delivery.recipient)
    email["Subject"] = delivery.subject
    email["Message-ID"] = delivery.message_id
    email["Date"] = format_datetime(date)
    email["X-Skilleval-Event"] = delivery.event_type
    email.set_content(delivery.text)
    email.add_alternative(delivery.html, subtype="html")
    return email
