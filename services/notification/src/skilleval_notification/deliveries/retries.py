"""The retry round: every attempt owed in ``delivery_retries`` that is due, claimed and made.

An owed attempt whose claim is new is made; one claimed with no outcome is made again only
once the claim is older than ``delivery_stale_seconds`` (its claimer died: a live one is never
doubled); one already closed moves the document on (retry) or drops it (sent, failed).

A claimed attempt whose delivery cannot be read back fails on its own (claim, log and retry
document closed): it once raised out of the round, every round, after the round had claimed
the other due attempts, so no email that had failed while SMTP was down was ever sent again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from pymongo.asynchronous.collection import AsyncCollection

from skilleval_notification.deliveries.attempts import Attempt, Attempts
from skilleval_notification.deliveries.model import BODY, Delivery, Outcome, Status, attempt_key
from skilleval_notification.settings import NotificationSettings
from skilleval_shared.envelope import utc_now
from skilleval_shared.storage.claims import Claims, ClaimState
from skilleval_shared.storage.mongo import Document

logger = logging.getLogger(__name__)

ROUND = 500
UNREADABLE = "投递记录无法读取，未能发送"


class RetryRound:
    def __init__(
        self,
        *,
        settings: NotificationSettings,
        claims: Claims,
        log: AsyncCollection[Document],
        retries: AsyncCollection[Document],
        attempts: Attempts,
    ) -> None:
        self.settings = settings
        self.claims = claims
        self.log = log
        self.retries = retries
        self.attempts = attempts

    async def run(self) -> int:
        """Make every attempt that is due; how many were made."""
        due = await self.retries.find({"due_at": {"$lte": utc_now()}}).limit(ROUND).to_list()
        if not due:
            return 0
        keys = [attempt_key(doc["_id"], doc["attempt"]) for doc in due]
        states = await self.claims.claim_many(keys)
        work = []
        for doc, key in zip(due, keys, strict=True):
            if states[key] is ClaimState.NEW or await self._abandoned(key, states[key]):
                work.append(doc)
            elif states[key] is ClaimState.DONE:
                await self._settle(doc, key)
        attempts = []
        for doc in work:
            found = await self.log.find_one({"_id": doc["_id"]})
            if found is None:
                await self.retries.delete_one({"_id": doc["_id"]})
                continue
            body = {part: doc[part] for part in BODY if part in doc}
            try:
                delivery = Delivery.from_document(found | body)
            except (KeyError, TypeError, ValueError):
                logger.exception("delivery %s cannot be read back; it fails", doc["_id"])
                await self._fail_unreadable(doc, body)
                continue
            attempts.append(Attempt(delivery, doc["attempt"], doc["last_attempt"]))
        await self.attempts.make(attempts)
        return len(attempts)

    async def _fail_unreadable(self, doc: Document, body: dict[str, str]) -> None:
        """Close the claimed attempt as failed, as ``Attempts`` would: the next step is
        nobody's, and a staff resend (with the body kept) stays possible once it reads."""
        key = attempt_key(doc["_id"], doc["attempt"])
        await self.claims.record_many([(key, Outcome.FAILED, {"error": UNREADABLE})])
        failed = {
            "status": Status.FAILED.value,
            "attempts": doc["attempt"],  # a resend starts after the attempt closed here
            "last_error": UNREADABLE,
            "next_attempt_at": None,
        }
        await self.log.update_one({"_id": doc["_id"]}, {"$set": failed | body})
        await self.retries.delete_one({"_id": doc["_id"]})

    async def _abandoned(self, key: str, state: ClaimState) -> bool:
        if state is not ClaimState.PENDING:
            return False
        record = await self.claims.get(key)
        stale = timedelta(seconds=self.settings.delivery_stale_seconds)
        return record is not None and record.claimed_at <= utc_now() - stale

    async def _settle(self, doc: Document, key: str) -> None:
        """The attempt a retry document names is closed already: move it on, or drop it."""
        record = await self.claims.get(key)
        if record is not None and record.outcome == Outcome.RETRY:
            moved = doc | {"attempt": doc["attempt"] + 1, "due_at": utc_now()}
            await self.retries.replace_one({"_id": doc["_id"]}, moved, upsert=True)
        else:
            await self.retries.delete_one({"_id": doc["_id"]})
