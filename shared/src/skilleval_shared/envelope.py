"""CloudEvents 1.0 structured-mode envelope, as carried on every Kafka topic.

``EventData`` subclasses form the event catalog (``skilleval_shared.events``): each names its
producing service, aggregate and past-tense action, and from those its CloudEvents ``type``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar

import uuid_utils
from pydantic import BaseModel, ConfigDict, Field

from skilleval_shared import observability

CONTENT_TYPE = "application/cloudevents+json"
TYPE_PREFIX = "cn.skilleval"


class EventData(BaseModel):
    """Payload of one kind of event. Subclasses set the class variables below."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    service: ClassVar[str]
    aggregate: ClassVar[str]
    action: ClassVar[str]
    version: ClassVar[int] = 1
    # The logical topic the event travels on (before any namespace).
    topic: ClassVar[str]
    # The payload field whose value is the Kafka key (decides ordering).
    key_field: ClassVar[str]
    # The payload field whose value is the CloudEvents subject (the aggregate id).
    subject_field: ClassVar[str]

    @classmethod
    def event_type(cls) -> str:
        return f"{TYPE_PREFIX}.{cls.service}.{cls.aggregate}.{cls.action}.v{cls.version}"

    def kafka_key(self) -> str:
        return str(getattr(self, self.key_field))

    def subject(self) -> str:
        return str(getattr(self, self.subject_field))


DataT = TypeVar("DataT", bound=BaseModel)


def new_event_id() -> str:
    """UUIDv7: unique and time-ordered, so ids sort by creation."""
    return str(uuid_utils.uuid7())


def utc_now() -> datetime:
    return datetime.now(UTC)


class CloudEvent(BaseModel, Generic[DataT]):
    """A CloudEvents 1.0 event in structured JSON mode with our two extensions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=new_event_id, min_length=1)
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    subject: str | None = None
    time: datetime = Field(default_factory=utc_now)
    datacontenttype: Literal["application/json"] = "application/json"
    data: DataT
    correlationid: str | None = None
    causationid: str | None = None
    # The CloudEvents ``sequence`` extension: the event's place in its aggregate's history, set by
    # the store at commit (see ``storage.commits.event_sequence``). A decimal integer as a string;
    # compare with ``sequence_number``. Absent on events that no aggregate commit produced.
    sequence: str | None = Field(default=None, pattern=r"^[0-9]{1,18}$")

    def to_json_bytes(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()


# Events of one version are numbered ``version * EVENTS_PER_VERSION + place`` (the CloudEvents
# ``sequence``), so every event of an aggregate sorts after all events of its earlier versions.
EVENTS_PER_VERSION = 1000


def event_sequence(version: int, place: int = 0) -> int:
    return version * EVENTS_PER_VERSION + place


def sequence_number(event: CloudEvent[Any]) -> int:
    """The event's ``sequence`` as a number (0 when it has none), for newer-than comparisons."""
    return int(event.sequence) if event.sequence else 0


def source_of(service: str) -> str:
    return f"/skilleval/{service}"


def wrap(
    data: EventData,
    *,
    correlation_id: str | None = None,
    causation_id: str | None = None,
    event_id: str | None = None,
    version: int | None = None,
) -> CloudEvent[EventData]:
    """Put a payload into its envelope: the one way events are created.

    ``correlation_id`` and ``causation_id`` default to the scope being served (the HTTP request,
    or the event being handled: ``observability.correlation_scope``); outside any scope the event
    starts its own correlation. ``version`` is for events published without a commit (which
    stamps the sequence itself): the version of the thing the event is about.
    """
    identifier = event_id or new_event_id()
    correlation_id = correlation_id or observability.correlation_id.get()
    causation_id = causation_id or observability.causation_id.get()
    # Parametrise by the concrete class: pydantic serialises by the declared type, and the
    # base EventData has no fields.
    envelope_class: Any = CloudEvent[type(data)]  # type: ignore[misc]
    event: CloudEvent[EventData] = envelope_class(
        id=identifier,
        source=source_of(data.service),
        type=data.event_type(),
        subject=data.subject(),
        data=data,
        correlationid=correlation_id or identifier,
        causationid=causation_id,
        sequence=None if version is None else str(event_sequence(version)),
    )
    return event


def envelope_dict(event: CloudEvent[Any]) -> dict[str, Any]:
    """JSON-ready dict of an event (what goes on the wire and into the outbox)."""
    return event.model_dump(mode="json", exclude_none=True)
