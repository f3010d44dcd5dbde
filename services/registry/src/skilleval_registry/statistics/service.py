"""Counts of certificates by occupation, level, institution, year and district: one ``$group``
per dimension over the talent database (FerretDB groups with ``$sum``), cached per replica."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from skilleval_registry.statistics.model import Dimension, category_name, ordered
from skilleval_registry.talent.model import Status
from skilleval_shared.cache import TimedValue
from skilleval_shared.storage.mongo import Document


class Statistics:
    def __init__(self, certificates: AsyncCollection[Document], *, cache_seconds: float) -> None:
        self.certificates = certificates
        self.current = TimedValue(self._count, cache_seconds)

    async def _group(self, field: str) -> dict[str, int]:
        pipeline: list[dict[str, Any]] = [
            {"$match": {"holder_name": {"$exists": True}}},
            {"$group": {"_id": f"${field}", "count": {"$sum": 1}}},
        ]
        cursor = await self.certificates.aggregate(pipeline)
        return {str(item["_id"]): int(item["count"]) async for item in cursor}

    async def _count(self) -> dict[str, Any]:
        by_status = await self._group("status")
        dimensions = {}
        for dimension in Dimension:
            counts = await self._group(dimension.value)
            dimensions[dimension.value] = [
                {"key": key, "name": category_name(dimension, key), "count": count}
                for key, count in ordered(dimension, counts)
            ]
        return {
            "total": sum(by_status.values()),
            "by_status": {status.value: by_status.get(status.value, 0) for status in Status},
            "dimensions": dimensions,
        }
