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

import asyncio
import zlib
from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from skilleval_certification.evaluations.model import Plan, person_key
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.assessment import ResultRecorded
from skilleval_shared.storage.mongo import Document
from skilleval_shared.storage.projection import Projection
from skilleval_shared.validation.id_number import IdType

CONCURRENT_GETS = 32
RESULT_BUCKETS = 32


def result_bucket(plan_id: str, key: str) -> str:
    return f"{plan_id}#{zlib.crc32(key.encode()) % RESULT_BUCKETS}"


async def get_each(
    collection: Any, keys: Sequence[str], fields: Any = None
) -> list[Document | None]:
    """Gets by ``_id``, several in flight: on FerretDB only an exact ``_id`` uses an index."""
    gate = asyncio.Semaphore(CONCURRENT_GETS)

    async def get(key: str) -> Document | None:
        async with gate:
            found: Document | None = await collection.find_one({"_id": key}, fields)
            return found

    return list(await asyncio.gather(*(get(key) for key in keys)))


class EvaluationProjection:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.plans = Projection(db["plans"])
        self.results = Projection(db["results"])

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

    async def record_results(self, events: Sequence[CloudEvent[Any]]) -> None:
        """Each result into its plan's bucket, in order; one bulk write for the batch."""
        await self.results.apply_many([_result_change(event) for event in events])

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


def _result_change(event: CloudEvent[Any]) -> tuple[str, CloudEvent[Any], Any]:
    data: ResultRecorded = event.data
    key = person_key(IdType(data.id_type), data.id_number, data.occupation_code, data.level)

    def change(body: Document) -> Document:
        results = {item["key"]: item["passed"] for item in body.get("results", [])}
        results[key] = data.passed
        return body | {"results": [{"key": k, "passed": v} for k, v in results.items()]}

    return result_bucket(data.plan_id, key), event, change
