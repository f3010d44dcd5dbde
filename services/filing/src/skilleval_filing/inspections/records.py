"""The inspection aggregate (kind ``inspection``, one per draw) and the pools it was drawn from.

The enterprise pool can hold every filed enterprise, so it is written once to
``inspection_pools`` (keyed by the inspection id) instead of into every commit of the aggregate.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from pymongo.asynchronous.collection import AsyncCollection

from skilleval_filing.inspections.model import OUTCOME_LABELS, Draw, InspectionResult
from skilleval_shared.domain_errors import NotFound
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.storage.mongo import Document

KIND = "inspection"
POOLS = "inspection_pools"


class InspectionStatus(StrEnum):
    DRAWN = "drawn"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {"drawn": "已抽取，检查中", "published": "结果已公开"}[self.value]


class Inspector(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    inspector_id: str
    name: str


class InspectionRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    inspection_id: str
    title: str | None = None
    draw: Draw
    enterprise_names: dict[str, str]  # of the drawn enterprises
    inspectors: tuple[Inspector, ...]  # the whole inspector pool
    pool_sha256: str
    results: tuple[InspectionResult, ...] = ()
    status: InspectionStatus = InspectionStatus.DRAWN
    drawn_on: date
    drawn_by: str
    drawn_at: datetime
    published_on: date | None = None
    published_by: str | None = None

    def to_state(self) -> Document:
        return self.model_dump(mode="json")


def pool_digest(enterprises: Sequence[str], inspector_ids: Sequence[str]) -> str:
    """SHA-256 of the canonical pools, published with the draw so a copy can be checked."""
    canonical = json.dumps(
        {"enterprises": sorted(enterprises), "inspectors": sorted(inspector_ids)},
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def load(store: AggregateStore, inspection_id: str) -> tuple[InspectionRecord, int]:
    found = await store.load(inspection_id)
    if found is None:
        raise NotFound("没有这次抽查")
    return InspectionRecord.model_validate(found.state), found.version


async def listed(store: AggregateStore, status: InspectionStatus | None) -> list[InspectionRecord]:
    query = {"state.status": status.value} if status else {}
    cursor = store.snapshots.find(query).limit(1000)
    records = [InspectionRecord.model_validate(doc["state"]) async for doc in cursor]
    return sorted(records, key=lambda record: record.drawn_at, reverse=True)


def view(record: InspectionRecord) -> dict[str, Any]:
    """Public once published: no contact details are held here at all."""
    names = {inspector.inspector_id: inspector.name for inspector in record.inspectors}
    results = {result.enterprise: result for result in record.results}
    items = []
    for assignment in record.draw.assignments:
        result = results.get(assignment.enterprise)
        items.append(
            {
                "uscc": assignment.enterprise,
                "enterprise_name": record.enterprise_names[assignment.enterprise],
                "inspectors": [
                    {"inspector_id": i, "name": names[i]} for i in assignment.inspectors
                ],
                "result": None
                if result is None
                else result.model_dump(mode="json", exclude={"enterprise"})
                | {"outcome_label": OUTCOME_LABELS[result.outcome]},
            }
        )
    return {
        "inspection_id": record.inspection_id,
        "title": record.title,
        "status": record.status.value,
        "status_label": record.status.label,
        "seed": record.draw.seed,
        "algorithm": record.draw.algorithm,
        "enterprise_pool_size": record.draw.enterprise_pool_size,
        "inspector_pool_size": record.draw.inspector_pool_size,
        "pool_sha256": record.pool_sha256,
        "drawn_on": record.drawn_on.isoformat(),
        "published_on": record.published_on.isoformat() if record.published_on else None,
        "items": items,
    }


async def pools_of(pools: AsyncCollection[Document], record: InspectionRecord) -> dict[str, Any]:
    """What anyone needs to recompute the draw."""
    document = await pools.find_one({"_id": record.inspection_id})
    if document is None:
        raise RuntimeError(f"the pools of inspection {record.inspection_id} are missing")
    return {
        "inspection_id": record.inspection_id,
        "seed": record.draw.seed,
        "algorithm": record.draw.algorithm,
        "enterprise_count": len(record.draw.assignments),
        "inspectors_per_enterprise": len(record.draw.assignments[0].inspectors),
        "enterprise_pool": document["enterprises"],
        "inspector_pool": document["inspectors"],
        "pool_sha256": document["sha256"],
    }
