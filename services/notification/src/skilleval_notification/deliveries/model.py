"""A delivery is one email for one (event, recipient, template); its id and Message-ID derive
from those three, so a re-delivered event maps to the same delivery and the same Message-ID.

Each attempt to send is claimed (``<delivery id>#<attempt>``) before it is made, so an attempt
is made once, whichever replica or restart gets there; a transient failure schedules the next
attempt after a backoff, until ``max_attempts``, after which the delivery has failed.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr
from enum import StrEnum
from typing import Any

from skilleval_notification.messages.model import Audience, Message


class Status(StrEnum):
    PENDING = "pending"  # not attempted yet, or an attempt is under way
    RETRYING = "retrying"  # an attempt failed transiently; another is scheduled
    SENT = "sent"
    FAILED = "failed"  # given up on: permanently refused, or out of attempts


BODY = ("text", "html")


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

    def to_document(self, *, with_body: bool = False) -> dict[str, Any]:
        """The log document. The text and HTML parts are kept only where an attempt will need
        them again (a scheduled retry, a failure that may be resent): written for every email
        they would be most of the bytes the database takes for a roster."""
        skipped = () if with_body else BODY
        document = {n: getattr(self, n) for n in self.__dataclass_fields__ if n not in skipped}
        document["_id"] = document.pop("id")
        return document

    def body(self) -> dict[str, str]:
        return {"text": self.text, "html": self.html}

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Delivery:
        # A stored None is a value (``owner_uscc`` of an email no enterprise owns): dropping it
        # made such a delivery unreadable, and the retry round that read it failed every time.
        fields: dict[str, Any] = {
            name: document[name] for name in cls.__dataclass_fields__ if name in document
        }
        fields.pop("id", None)
        for part in BODY:  # the log keeps the body only where a later attempt needs it
            fields[part] = fields.get(part) or ""
        fields["status"] = Status(fields.get("status", Status.PENDING))
        fields["role"] = Audience(fields["role"])
        return cls(id=document["_id"], **fields)


def sender_header(sender: str) -> tuple[str, str]:
    """``From`` as an ASCII header (the display name RFC 2047-encoded) and the bare address."""
    name, address = parseaddr(sender)
    return formataddr((name, address), charset="utf-8"), address


def build_email(delivery: Delivery, *, sender: str, date: datetime) -> bytes:
    """The MIME message as bytes: text and HTML alternatives, the deterministic Message-ID.

    Written out directly rather than through ``email.message``, which costs milliseconds per
    message (it is the largest cost of a 10,000-email roster). ``sender`` is a ready ``From``
    header (``sender_header``). Raises ``ValueError`` for a recipient no SMTP server could take.
    """
    if not SAFE_ADDRESS.fullmatch(delivery.recipient):
        raise ValueError("收件人地址无法投递")
    boundary = f"=_skilleval_{delivery.id}"
    subject = Header(delivery.subject, "utf-8", maxlinelen=76).encode(linesep="\r\n")
    head = [
        f"From: {sender}",
        f"To: {delivery.recipient}",
        f"Subject: {subject}",
        f"Message-ID: {delivery.message_id}",
        f"Date: {format_datetime(date)}",
        f"X-Skilleval-Event: {delivery.event_type}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
    ]
    parts = [_part(boundary, "plain", delivery.text), _part(boundary, "html", delivery.html)]
    tail = f"--{boundary}--\r\n".encode()
    return "\r\n".join(head).encode() + b"\r\n" + b"".join(parts) + tail


SAFE_ADDRESS = re.compile(r"[!#-'*+\-/-9=?A-Z^-~.]{1,64}@[A-Za-z0-9.-]{1,189}")


def _part(boundary: str, subtype: str, body: str) -> bytes:
    head = (
        f"--{boundary}\r\n"
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    )
    encoded = base64.encodebytes(body.encode()).replace(b"\n", b"\r\n")
    return head.encode() + encoded
