"""certification's projection of evaluation plans and of each person's results, from
assessment's events. Results are kept per person, occupation and level (``person_key``), so a
chunk of rows is checked with one get by ``_id`` per row, before its roster's header is in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from skilleval_certification.evaluations.model import Plan, person_key
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.assessment import (
    CandidatesRegistered,
    ResultCorrected,
    ResultRecorded,
    ResultsRecorded,
)
from skilleval_shared.events.assessment_parts import ResultEntry
from skilleval_shared.storage.mongo import Document, get_each
from skilleval_shared.storage.projection import Projection
from skilleval_shared.validation.id_number import IdType

CONCURRENT_GETS = 32


class EvaluationProjection:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.plans = Projection(db["plans"])
        self.results = Projection(db["results"])
        # registration id → the candidate's ID type, which a result entry does not carry
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
        data: ResultRecorded = event.data
        key = person_key(IdType(data.id_type), data.id_number, data.occupation_code, data.level)

        def change(body: Document) -> Document:
            return body | {"plans": body.get("plans", {}) | {data.plan_id: data.passed}}

        await self.results.apply(key, event, change)

    async def record_registrations(self, event: CloudEvent[Any]) -> None:
        data: CandidatesRegistered = event.data
        items = []
        for item in data.registrations:

            def change(body: Document, id_type: str = str(item.candidate.id_type)) -> Document:
                return body | {"id_type": id_type}

            items.append((item.registration_id, event, change))
        await self.registrations.apply_many(items)

    async def record_results(self, event: CloudEvent[Any]) -> None:
        """The batch results assessment publishes (``ResultsRecorded``), and a correction."""
        data: ResultsRecorded | ResultCorrected = event.data
        entries: tuple[ResultEntry, ...] = (
            data.results if isinstance(data, ResultsRecorded) else (data.result,)
        )
        found = await get_each(
            self.registrations.collection, [entry.registration_id for entry in entries]
        )
        items = []
        for entry, registration in zip(entries, found, strict=True):
            if registration is None:
                raise LookupError(f"registration {entry.registration_id} not known yet")
            key = person_key(
                IdType(registration["id_type"]), entry.id_number, entry.occupation_code, entry.level
            )

            def change(body: Document, entry: ResultEntry = entry) -> Document:
                return body | {"plans": body.get("plans", {}) | {data.plan_id: entry.passed}}

            items.append((key, event, change))
        await self.results.apply_many(items)

    async def plan(self, plan_id: str) -> Plan | None:
        found = await self.plans.get(plan_id)
        if found is None or "uscc" not in found:
            return None
        return Plan.model_validate({k: v for k, v in found.items() if k not in ("_id", "seen")})

    async def results_of(self, keys: Sequence[str]) -> dict[str, dict[str, bool]]:
        found = await get_each(
            self.results.collection, keys, {"plans": 1}, concurrency=CONCURRENT_GETS
        )
        return {key: doc.get("plans", {}) for key, doc in zip(keys, found, strict=True) if doc}
