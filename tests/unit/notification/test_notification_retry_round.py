"""The retry round makes every due attempt whose delivery reads back, and closes as failed the
one that does not, instead of raising out of the round after claiming them all: `make chaos`
(SMTP down 30 s) found one unreadable delivery (no owner) stopping every retry for good, so the
holders' emails that had failed during the outage were never sent again."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from skilleval_notification.deliveries.attempts import Attempt
from skilleval_notification.deliveries.model import Delivery, Outcome, Status
from skilleval_notification.deliveries.retries import UNREADABLE, RetryRound
from skilleval_notification.settings import NotificationSettings
from skilleval_shared.storage.claims import ClaimState
from support.notification_samples import holder_delivery

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def delivery(n: int, owner: str | None = "91370200MA3C0000X1") -> Delivery:
    delivered: Delivery = holder_delivery(
        n, owner_uscc=owner, status=Status.RETRYING, attempts=1, created_at=NOW
    )
    return delivered


class Cursor:
    def __init__(self, documents: list[dict[str, Any]]) -> None:
        self.documents = documents

    def limit(self, count: int) -> Cursor:
        return Cursor(self.documents[:count])

    async def to_list(self, length: int | None = None) -> list[dict[str, Any]]:
        return list(self.documents)


class Collection:
    """The few collection calls the round makes, over a dict by ``_id``."""

    def __init__(self, documents: Iterable[dict[str, Any]]) -> None:
        self.documents = {doc["_id"]: dict(doc) for doc in documents}

    def find(self, query: dict[str, Any]) -> Cursor:
        due = query["due_at"]["$lte"]
        return Cursor([doc for doc in self.documents.values() if doc["due_at"] <= due])

    async def find_one(self, query: dict[str, Any]) -> dict[str, Any] | None:
        found = self.documents.get(query["_id"])
        return dict(found) if found else None

    async def update_one(self, query: dict[str, Any], update: dict[str, Any]) -> None:
        self.documents[query["_id"]].update(update["$set"])

    async def replace_one(self, query: dict[str, Any], doc: dict[str, Any], upsert: bool) -> None:
        self.documents[query["_id"]] = dict(doc)

    async def delete_one(self, query: dict[str, Any]) -> None:
        self.documents.pop(query["_id"], None)


class Claims:
    """Claims as the shared helper keeps them: new once, then pending until an outcome."""

    def __init__(self) -> None:
        self.outcomes: dict[str, str | None] = {}

    async def claim_many(self, keys: Iterable[str]) -> dict[str, ClaimState]:
        states = {}
        for key in keys:
            if key not in self.outcomes:
                states[key] = ClaimState.NEW
                self.outcomes[key] = None
            else:
                states[key] = ClaimState.PENDING if self.outcomes[key] is None else ClaimState.DONE
        return states

    async def record_many(self, outcomes: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        for key, outcome, _ in outcomes:
            self.outcomes[key] = outcome

    async def get(self, key: str) -> None:
        return None


class Attempts:
    """Makes every attempt it is given: the SMTP server is back."""

    def __init__(self, claims: Claims) -> None:
        self.claims = claims
        self.made: list[Attempt] = []

    async def make(self, attempts: Sequence[Attempt]) -> list[Any]:
        self.made += attempts
        await self.claims.record_many(
            (f"{a.delivery.id}#{a.number}", Outcome.SENT, {}) for a in attempts
        )
        return []


def owed(made: Delivery) -> dict[str, Any]:
    due = NOW - timedelta(seconds=1)
    return {"_id": made.id, "attempt": 2, "last_attempt": 10, "due_at": due} | made.body()


async def test_every_due_attempt_is_made_and_an_unreadable_delivery_fails_alone() -> None:
    readable = [delivery(1), delivery(2, owner=None), delivery(3)]  # no owner reads back
    broken = delivery(4).to_document()
    del broken["role"]  # a log document the model cannot read
    log = Collection([*(d.to_document() for d in readable), broken])
    retries = Collection([*(owed(d) for d in readable), owed(delivery(4))])
    claims = Claims()
    attempts = Attempts(claims)
    round_ = RetryRound(
        settings=NotificationSettings(),
        claims=claims,  # type: ignore[arg-type]
        log=log,  # type: ignore[arg-type]
        retries=retries,  # type: ignore[arg-type]
        attempts=attempts,  # type: ignore[arg-type]
    )

    assert await round_.run() == 3
    assert [(a.delivery.id, a.number) for a in attempts.made] == [("d1", 2), ("d2", 2), ("d3", 2)]
    assert attempts.made[1].delivery.owner_uscc is None
    # Every claimed attempt has its outcome: none is left pending to block the email for good.
    assert claims.outcomes == {
        "d1#2": Outcome.SENT,
        "d2#2": Outcome.SENT,
        "d3#2": Outcome.SENT,
        "d4#2": Outcome.FAILED,
    }
    failed = log.documents["d4"]
    assert failed["status"] == Status.FAILED and failed["last_error"] == UNREADABLE
    assert failed["attempts"] == 2 and failed["text"] == "您好"  # resendable after attempt 2
    assert "d4" not in retries.documents
