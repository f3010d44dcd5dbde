"""Events of the notification service: the delivery log of every email."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, StringConstraints

from skilleval_shared import topics
from skilleval_shared.envelope import EventData
from skilleval_shared.events.fields import Clause, Email, Identifier

TemplateName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]{0,63}$")]
# RFC 5322 Message-ID, e.g. "<0190...@skilleval>".
MessageId = Annotated[str, StringConstraints(pattern=r"^<[!-=?-~]{1,250}>$")]


class NotificationEvent(EventData):
    service: ClassVar[str] = "notification"
    topic: ClassVar[str] = topics.NOTIFICATION_EVENTS
    aggregate: ClassVar[str] = "email"
    key_field: ClassVar[str] = "notification_id"
    subject_field: ClassVar[str] = "notification_id"

    # Derived from the triggering event, recipient and template, so a redelivery maps to it.
    notification_id: Identifier
    recipient: Email
    template: TemplateName
    attempt: int = Field(ge=1)


class EmailSent(NotificationEvent):
    action: ClassVar[str] = "sent"

    message_id: MessageId


class EmailFailed(NotificationEvent):
    action: ClassVar[str] = "failed"

    error: Clause
    # False while another attempt is scheduled; true when the email was given up on.
    final: bool
