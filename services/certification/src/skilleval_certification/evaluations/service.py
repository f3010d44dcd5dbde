"""certification's projection of evaluation plans and of each person's results, from
assessment's events.

Results are kept per plan in ``RESULT_BUCKETS`` bucket documents ``<plan_id>#<b>`` (the bucket
from a CRC of the ``person_key``), each a list of results: a roster of any size
reads its plan's results with ``RESULT_BUCKETS`` gets by ``_id`` (FerretDB indexes only an exact
``_id``), never one per row. (A list of ``{"key", "passed"}``: FerretDB stores no nested
arrays and a person key is no safe field name.) Result events of one plan are keyed by its
institution, so one consumer at a time writes a plan's buckets, in bulk per batch.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from skilleval_certification.evaluations.model import Plan, person_key
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.assessment import (
    CandidatesRegistered,
    ResultRecorded,
    ResultsRecorded,
)
from skilleval_shared.storage.mongo import Document, get_each
from skilleval_shared.storage.projection import Projection
from skilleval_shared.validation.id_number import IdType

CONCURRENT_GETS = 32
RESULT_BUCKETS = 32


def _result_bucket(plan_id: str, key: str) -> str:
    return f"{plan_id}#{zlib.crc32(key.encode()) % RESULT_BUCKETS}"


class EvaluationProjection:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.plans = Projection(db["plans"])
        self.results = Projection(db["results"])
        # Each registration's ID type: batched results name the registration, not the type.
        self.registrations = Projection(db["registrations"])

    async def record_plan(self, event: CloudEvent[Any]) -> None:
        data = event.data
        fields = {
            "plan_id": data.plan_id,
            "uscc": data.uscc,
            "status": "submitted",
            "starts_on": data.starts_at.date().isoformat(),
            "ends_on": data.ends_at.date().isoformat(),
            "client_uscc": data.client_uscc,
        }
        await self.plans.apply(data.plan_id, event, lambda body: body | fields)

    async def record_plan_decision(self, event: CloudEvent[Any]) -> None:
        status = "accepted" if event.type.endswith(".accepted.v1") else "returned"
        await self.plans.apply(event.data.plan_id, event, lambda body: body | {"status": status})

    async def record_result(self, event: CloudEvent[Any]) -> None:
        await self.record_results([event])

    async def record_registrations(self, event: CloudEvent[Any]) -> None:
        data: CandidatesRegistered = event.data
        items = []
        for item in data.registrations:

            def change(body: Document, id_type: str = str(item.candidate.id_type)) -> Document:
                return body | {"id_type": id_type}

            items.append((item.registration_id, event, change))
        await self.registrations.apply_many(items)

    async def record_results(self, events: Sequence[CloudEvent[Any]]) -> None:
        """Single, batched and corrected results into their plans' buckets, in order; one bulk
        write for the batch. One change per bucket and event: the projection applies an event
        to a document once."""
        items = []
        for event in events:
            for bucket, updates in (await self._updates(event)).items():
                items.append((bucket, event, _bucket_change(updates)))
        await self.results.apply_many(items)

    async def _updates(self, event: CloudEvent[Any]) -> dict[str, dict[str, bool]]:
        """bucket -> person_key -> passed, for one result event."""
        data = event.data
        if isinstance(data, ResultRecorded):
            key = person_key(IdType(data.id_type), data.id_number, data.occupation_code, data.level)
            return {_result_bucket(data.plan_id, key): {key: data.passed}}
        entries = data.results if isinstance(data, ResultsRecorded) else (data.result,)
        found = await get_each(
            self.registrations.collection, [entry.registration_id for entry in entries]
        )
        updates: dict[str, dict[str, bool]] = {}
        for entry, registration in zip(entries, found, strict=True):
            if registration is None:
                raise LookupError(f"registration {entry.registration_id} not known yet")
            key = person_key(
                IdType(registration["id_type"]), entry.id_number, entry.occupation_code, entry.level
            )
            updates.setdefault(_result_bucket(data.plan_id, key), {})[key] = entry.passed
        return updates

    async def plan(self, plan_id: str) -> Plan | None:
        found = await self.plans.get(plan_id)
        if found is None or "uscc" not in found:
            return None
        return Plan.model_validate({k: v for k, v in found.items() if k not in ("_id", "seen")})

    async def results_of(self, plan_id: str) -> dict[str, bool]:
        """Every result recorded under the plan: person_key -> passed."""
        ids = [f"{plan_id}#{b}" for b in range(RESULT_BUCKETS)]
        found = await get_each(self.results.collection, ids, {"results": 1})
        return {
            item["key"]: item["passed"] for doc in found if doc for item in doc.get("results", [])
        }


def _bucket_change(updates: dict[str, bool]) -> Any:
    def change(body: Document) -> Document:
        results = {item["key"]: item["passed"] for item in body.get("results", [])}
        results.update(updates)
        return body | {"results": [{"key": k, "passed": v} for k, v in results.items()]}

    return change
