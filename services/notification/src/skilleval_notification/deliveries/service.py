"""Email every party once: plan deliveries from events, claim each attempt, send, record.

Per (event, recipient) there is one delivery document (``deliveries``, the log) and per attempt
one claim (``claims``, scope ``email``, key ``<delivery>#<attempt>``). Attempt 1 is made by the
consumer of the event; later attempts, and attempts whose claimer vanished, by the retry round
over ``delivery_retries`` (one small document per delivery that still owes an attempt).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from skilleval_notification.contacts.model import (
    Contact,
    Mailboxes,
    awaited_keys,
    enterprise_names,
    named_keys,
    needed_keys,
    owner_uscc,
    resolve,
)
from skilleval_notification.contacts.service import ContactBook
from skilleval_notification.deliveries.attempts import Attempt, Attempts, Result, announcement
from skilleval_notification.deliveries.model import (
    Delivery,
    Status,
    attempt_key,
)
from skilleval_notification.deliveries.parked import ParkedEvents
from skilleval_notification.deliveries.retries import RetryRound
from skilleval_notification.deliveries.smtp import SmtpPool
from skilleval_notification.messages.model import Audience, Message, TemplateBook
from skilleval_notification.settings import NotificationSettings
from skilleval_shared.domain_errors import IllegalTransition, NotFound
from skilleval_shared.envelope import CloudEvent, EventData, utc_now
from skilleval_shared.storage.claims import Claims, ClaimState
from skilleval_shared.storage.mongo import Document, duplicate_indexes, is_duplicate_key

logger = logging.getLogger(__name__)

Publish = Callable[[EventData], Awaitable[None]]


class Postman:
    def __init__(
        self,
        *,
        db: AsyncDatabase[Document],
        settings: NotificationSettings,
        pool: SmtpPool,
        templates: TemplateBook,
        contacts: ContactBook,
        publish: Publish | None = None,
    ) -> None:
        self.settings = settings
        self.pool = pool
        self.templates = templates
        self.contacts = contacts
        self.publish = publish
        self.log = db["deliveries"]
        self.retries = db["delivery_retries"]
        self.claims = Claims(db["claims"], "email")
        self.parked = ParkedEvents(db["parked_events"])
        # One bulk write at a time per process: FerretDB 1.24 (SQLite) can stall concurrent
        # multi-document writes to one database until they time out.
        self.bulk_writes = asyncio.Lock()
        self.mailboxes = Mailboxes(settings.city_center_email, settings.province_center_email)
        self.attempts = Attempts(
            settings=settings,
            pool=pool,
            claims=self.claims,
            log=self.log,
            retries=self.retries,
            announce=self._announce,
            bulk_writes=self.bulk_writes,
        )
        self.retry_round = RetryRound(
            settings=settings,
            claims=self.claims,
            log=self.log,
            retries=self.retries,
            attempts=self.attempts,
        )

    # --- from events ---

    async def handle(self, event: CloudEvent[Any]) -> None:
        await self.handle_many([event])

    async def handle_batch(self, events: list[CloudEvent[Any]]) -> None:
        """The shape of a batch consumer's handler (``consumer.on_batch``)."""
        await self.handle_many(events)

    async def handle_many(
        self, events: Sequence[CloudEvent[Any]], *, record_contacts: bool = True
    ) -> int:
        """Record contacts, plan the deliveries, make each first attempt once; how many new."""
        if record_contacts:
            async with self.bulk_writes:
                await self.contacts.record(events)
        planned, waiting = await self._plan(events)
        await self.parked.park(waiting)
        if not planned:
            return 0
        async with self.bulk_writes:
            await self._insert_log(planned)
        states = await self.claims.claim_many(attempt_key(d.id, 1) for d in planned)
        # Claimed before without an outcome: its claimer may have died mid-attempt. The retry
        # round decides, once the claim is stale, so a live claimer is never doubled.
        for delivery in planned:
            if states[attempt_key(delivery.id, 1)] is ClaimState.PENDING:
                await self._schedule(delivery, attempt=1, due=utc_now())
        last = self.settings.delivery_max_attempts
        fresh = [
            Attempt(delivery, 1, last, queued=False)
            for delivery in planned
            if states[attempt_key(delivery.id, 1)] is ClaimState.NEW
        ]
        await self.attempts.make(fresh)
        return len(fresh)

    async def plan(self, events: Sequence[CloudEvent[Any]]) -> list[Delivery]:
        return (await self._plan(events))[0]

    async def _plan(
        self, events: Sequence[CloudEvent[Any]]
    ) -> tuple[list[Delivery], list[tuple[str, CloudEvent[Any]]]]:
        """The deliveries of events, and (contact, event) for each contact an email awaits."""
        wanted = []
        for event in events:
            audience = self.templates.audience(event.type, {"event": event, "data": event.data})
            if audience:
                wanted.append((event, audience))
        # Rendered after the lookup, so that the text can name the enterprises it concerns.
        keys = set().union(*(needed_keys(a, e.data) | named_keys(e.data) for e, a in wanted))
        known = await self.contacts.lookup(keys) if keys else {}
        rendered = []
        for event, _ in wanted:
            names = enterprise_names(event.data, known)
            context = {"event": event, "data": event.data, "names": names}
            message = self.templates.render(event.type, context)
            if message is not None:
                rendered.append((event, message))
        now = utc_now()
        waiting = [
            (key, event)
            for event, message in rendered
            for key in sorted(awaited_keys(message.audience, event.data, known))
        ]
        deliveries = [
            Delivery.for_message(
                event_id=event.id,
                owner_uscc=owner_uscc(event.data, known),
                recipient=address,
                role=role,
                message=message,
                domain=self.settings.mail_domain,
                now=now,
            )
            for event, message in rendered
            for address, role in self._recipients(message, event, known).items()
        ]
        return deliveries, waiting

    def _recipients(
        self, message: Message, event: CloudEvent[Any], known: Mapping[str, Contact]
    ) -> dict[str, Audience]:
        return resolve(message.audience, event.data, known, self.mailboxes)

    async def _insert_log(self, deliveries: list[Delivery]) -> None:
        try:
            await self.log.insert_many([d.to_document() for d in deliveries], ordered=False)
        except BulkWriteError as error:  # already logged by an earlier delivery of the event
            if len(duplicate_indexes(error)) != len(error.details.get("writeErrors", [])):
                raise

    async def _schedule(
        self, delivery: Delivery, *, attempt: int, due: datetime, last: int | None = None
    ) -> bool:
        """Owe an attempt unless one is owed already; False if one was."""
        document = {
            "_id": delivery.id,
            "attempt": attempt,
            "last_attempt": last or self.settings.delivery_max_attempts,
            "due_at": due,
        } | delivery.body()
        try:
            await self.retries.insert_one(document)
        except Exception as error:
            if not is_duplicate_key(error):
                raise
            return False
        return True

    async def _announce(self, result: Result) -> None:
        """Tell the system (notification.events.v1); the log, not this event, is the record."""
        if self.publish is None:
            return
        try:
            await self.publish(announcement(result))
        except Exception:
            logger.warning("could not announce %s", result.attempt.delivery.id, exc_info=True)

    # --- retries and resends ---

    async def release_parked(self) -> int:
        """Hand back the parked events whose awaited contacts are known now; how many."""
        parked = await self.parked.waiting()
        if not parked:
            return 0
        known = await self.contacts.lookup(doc["contact"] for doc in parked)
        ready = [doc for doc in parked if doc["contact"] in known]
        events = {doc["event"]["id"]: self.parked.event_of(doc) for doc in ready}
        if events:
            await self.handle_many(list(events.values()), record_contacts=False)
            await self.parked.release(ready)
        return len(events)

    async def run_round(self) -> None:
        """The periodic work: parked events whose contacts came, then due attempts."""
        await self.release_parked()
        await self.run_due()

    async def run_due(self) -> int:
        """One retry round: make every attempt that is due; how many were made."""
        return await self.retry_round.run()

    async def resend(self, delivery: Delivery) -> Delivery:
        """Try a failed delivery again, with a fresh budget of attempts."""
        first = delivery.attempts + 1
        last = delivery.attempts + self.settings.delivery_max_attempts
        now = utc_now()
        if await self._schedule(delivery, attempt=first, due=now, last=last):
            await self.log.update_one(
                {"_id": delivery.id},
                {"$set": {"status": Status.RETRYING.value, "next_attempt_at": now}},
            )
            await self.run_due()
        return await self.get(delivery.id) or delivery

    # --- the log ---

    async def get(self, identifier: str) -> Delivery | None:
        found = await self.log.find_one({"_id": identifier})
        return Delivery.from_document(found) if found else None

    async def search(
        self, *, criteria: dict[str, Any], limit: int, offset: int
    ) -> tuple[list[Delivery], int]:
        cursor = self.log.find(criteria).sort([("created_at", -1), ("_id", 1)])
        found = await cursor.skip(offset).limit(limit).to_list()
        total = await self.log.count_documents(criteria)
        return [Delivery.from_document(doc) for doc in found], total


# --- what the delivery-log endpoints ask; ``viewer_uscc`` is None for staff ---


async def find_deliveries(
    *,
    postman: Postman,
    viewer_uscc: str | None,
    status: Status | None = None,
    recipient: str | None = None,
    event_type: str | None = None,
    event_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Delivery], int]:
    wanted = {
        "owner_uscc": viewer_uscc,
        "status": status.value if status else None,
        "recipient": recipient,
        "event_type": event_type,
        "event_id": event_id,
    }
    criteria = {name: value for name, value in wanted.items() if value is not None}
    return await postman.search(criteria=criteria, limit=limit, offset=offset)


async def get_delivery(*, postman: Postman, viewer_uscc: str | None, delivery_id: str) -> Delivery:
    delivery = await postman.get(delivery_id)
    if delivery is None or (viewer_uscc is not None and delivery.owner_uscc != viewer_uscc):
        raise NotFound("投递记录不存在")
    return delivery


async def resend(*, postman: Postman, viewer_uscc: str | None, delivery_id: str) -> Delivery:
    delivery = await get_delivery(postman=postman, viewer_uscc=viewer_uscc, delivery_id=delivery_id)
    if delivery.status is not Status.FAILED:
        raise IllegalTransition("只有投递失败的邮件可以重发", delivery_status=delivery.status.value)
    return await postman.resend(delivery)
