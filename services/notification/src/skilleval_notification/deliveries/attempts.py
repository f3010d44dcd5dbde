"""Making claimed attempts: send each, then record the outcomes of a chunk together.

Outcomes are written per chunk of ``CHUNK`` emails (bulk writes), not per email: a 10,000-email
roster would otherwise spend most of its time on single updates. The price is the window in
which a crash leaves sent emails with a pending claim (made again, same Message-ID, once
stale): the chunks in flight, at most ``CHUNK × CHUNKS_AT_ONCE`` emails of one replica. The
gate is the process's, not a call's: each consumer worker (three per topic) and the retry round
call ``make`` at once, and with a gate per call `make chaos` found 118 emails sent twice after
one kill -9 of a replica.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import DeleteOne, ReplaceOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from skilleval_notification.deliveries.model import (
    Delivery,
    Outcome,
    Status,
    attempt_key,
    backoff_seconds,
    build_email,
    sender_header,
)
from skilleval_notification.deliveries.smtp import PermanentFailure, SmtpPool, TransientFailure
from skilleval_notification.settings import NotificationSettings
from skilleval_shared.envelope import EventData, utc_now
from skilleval_shared.events.notification import EmailFailed, EmailSent
from skilleval_shared.storage.claims import UPDATE_SLICE, Claims
from skilleval_shared.storage.mongo import Document

CHUNK = 16
CHUNKS_AT_ONCE = 3


@dataclass(frozen=True)
class Attempt:
    delivery: Delivery
    number: int
    last: int  # the attempt after which a transient failure is final
    queued: bool = True  # owed in ``delivery_retries`` (all but a consumer's first attempt)


@dataclass(frozen=True)
class Result:
    attempt: Attempt
    at: datetime
    error: str | None = None
    final: bool = False  # for errors: give up now

    @property
    def outcome(self) -> Outcome:
        if self.error is None:
            return Outcome.SENT
        return Outcome.FAILED if self.final else Outcome.RETRY


class Attempts:
    def __init__(
        self,
        *,
        settings: NotificationSettings,
        pool: SmtpPool,
        claims: Claims,
        log: AsyncCollection[Document],
        retries: AsyncCollection[Document],
        announce: Callable[[Result], Awaitable[None]],
        bulk_writes: asyncio.Lock,
    ) -> None:
        self.settings = settings
        self.pool = pool
        self.claims = claims
        self.log = log
        self.retries = retries
        self.announce = announce
        self.bulk_writes = bulk_writes
        # Chunks sent but not yet recorded, across every caller of this process.
        self.in_flight = asyncio.Semaphore(CHUNKS_AT_ONCE)
        self.from_header, self.envelope_sender = sender_header(settings.mail_from)

    async def make(self, attempts: Sequence[Attempt]) -> list[Result]:
        async def chunk(part: Sequence[Attempt]) -> list[Result]:
            async with self.in_flight:
                results = await asyncio.gather(*(self._send(attempt) for attempt in part))
                async with self.bulk_writes:
                    await self._record(results)
                await asyncio.gather(*(self.announce(result) for result in results))
                return results

        parts = [attempts[start : start + CHUNK] for start in range(0, len(attempts), CHUNK)]
        done = await asyncio.gather(*(chunk(part) for part in parts))
        return [result for part in done for result in part]

    async def _send(self, attempt: Attempt) -> Result:
        delivery, now = attempt.delivery, utc_now()
        if not delivery.text:
            return Result(attempt, now, "邮件正文缺失，无法发送", final=True)
        try:
            message = build_email(delivery, sender=self.from_header, date=now)
            await self.pool.send(self.envelope_sender, delivery.recipient, message)
        except TransientFailure as error:
            if attempt.number < attempt.last:
                return Result(attempt, now, str(error))
            return Result(attempt, now, f"重试 {attempt.number} 次仍失败：{error}", final=True)
        except (PermanentFailure, ValueError) as error:
            return Result(attempt, now, str(error), final=True)
        return Result(attempt, now)

    async def _record(self, results: Sequence[Result]) -> None:
        # The next attempt is scheduled before this one is closed: a crash in between leaves
        # this attempt pending (made again), never a delivery without a next step.
        retry = [r for r in results if r.outcome is Outcome.RETRY]
        if retry:
            await _in_slices(self.retries, [self._next(r) for r in retry])
        await self.claims.record_many(
            (attempt_key(r.attempt.delivery.id, r.attempt.number), r.outcome, _details(r))
            for r in results
        )
        await _in_slices(self.log, [self._log_update(r) for r in results])
        settled = [r for r in results if r.outcome is not Outcome.RETRY and r.attempt.queued]
        if settled:
            deletes = [DeleteOne({"_id": r.attempt.delivery.id}) for r in settled]
            await _in_slices(self.retries, deletes)

    def _due(self, result: Result) -> datetime:
        delay = backoff_seconds(
            result.attempt.number,
            base=self.settings.delivery_backoff_seconds,
            cap=self.settings.delivery_backoff_max_seconds,
        )
        return result.at + timedelta(seconds=delay)

    def _next(self, result: Result) -> ReplaceOne[Document]:
        attempt = result.attempt
        document = {
            "_id": attempt.delivery.id,
            "attempt": attempt.number + 1,
            "last_attempt": attempt.last,
            "due_at": self._due(result),
        } | attempt.delivery.body()
        return ReplaceOne({"_id": attempt.delivery.id}, document, upsert=True)

    def _log_update(self, result: Result) -> UpdateOne:
        fields: dict[str, Any] = {"attempts": result.attempt.number}
        if result.outcome is Outcome.SENT:
            fields |= {"status": Status.SENT.value, "sent_at": result.at, "next_attempt_at": None}
        else:
            due = self._due(result) if result.outcome is Outcome.RETRY else None
            status = Status.RETRYING if result.outcome is Outcome.RETRY else Status.FAILED
            fields |= {"status": status.value, "last_error": result.error, "next_attempt_at": due}
            if status is Status.FAILED:  # kept for a resend
                fields |= result.attempt.delivery.body()
        return UpdateOne({"_id": result.attempt.delivery.id}, {"$set": fields})


async def _in_slices(collection: AsyncCollection[Document], writes: Sequence[Any]) -> None:
    """Bulk writes a few statements per command: FerretDB 1.24 holds a connection per update
    statement until the command ends, and big concurrent updates exhausted its pool."""
    for start in range(0, len(writes), UPDATE_SLICE):
        await collection.bulk_write(list(writes[start : start + UPDATE_SLICE]), ordered=False)


def _details(result: Result) -> dict[str, Any]:
    if result.error is None:
        return {"message_id": result.attempt.delivery.message_id}
    return {"error": (result.error or "")[:500]}


def announcement(result: Result) -> EventData:
    """What notification.events.v1 says about an attempt."""
    delivery = result.attempt.delivery
    common = {
        "notification_id": delivery.id,
        "recipient": delivery.recipient,
        "template": delivery.event_type,
        "attempt": result.attempt.number,
    }
    if result.error is None:
        return EmailSent(**common, message_id=delivery.message_id)
    return EmailFailed(**common, error=result.error[:200], final=result.final)
