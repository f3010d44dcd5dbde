"""Counts of certificates by status, occupation, level, institution, year and district, cached
per replica.

One scan of the talent database counts every dimension at once (it was a ``$group`` scan per
dimension: six scans, which at ~100,000 certificates took FerretDB past the request timeout and
answered 500). The scan may take longer than a request's database timeout, so it has its own.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pymongo
from pymongo.asynchronous.collection import AsyncCollection

from skilleval_registry.statistics.model import Dimension, category_name, ordered
from skilleval_registry.talent.model import Status
from skilleval_shared.cache import TimedValue
from skilleval_shared.storage.mongo import Document

SCAN_SECONDS = 300.0
FIELDS = {"_id": 0, "holder_name": 1, "status": 1} | {d.value: 1 for d in Dimension}


class Statistics:
    def __init__(self, certificates: AsyncCollection[Document], *, cache_seconds: float) -> None:
        self.certificates = certificates
        self.current = TimedValue(self._count, cache_seconds)

    async def _tally(self) -> dict[str, Counter[str]]:
        """Per field, how many issued certificates hold each value (as ``$group`` keys them)."""
        counted = ["status", *(dimension.value for dimension in Dimension)]
        tallies: dict[str, Counter[str]] = {field: Counter() for field in counted}
        with pymongo.timeout(SCAN_SECONDS):
            cursor = self.certificates.find({}, FIELDS, batch_size=5000)
            try:
                async for certificate in cursor:
                    if "holder_name" not in certificate:  # a revocation known before its issue
                        continue
                    for field, tally in tallies.items():
                        tally[str(certificate.get(field))] += 1
            finally:
                await cursor.close()
        return tallies

    async def _count(self) -> dict[str, Any]:
        tallies = await self._tally()
        by_status = tallies["status"]
        dimensions = {
            dimension.value: [
                {"key": key, "name": category_name(dimension, key), "count": count}
                for key, count in ordered(dimension, dict(tallies[dimension.value]))
            ]
            for dimension in Dimension
        }
        return {
            "total": sum(by_status.values()),
            "by_status": {status.value: by_status.get(status.value, 0) for status in Status},
            "dimensions": dimensions,
        }
