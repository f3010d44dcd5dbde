"""assessment's own projection of each enterprise's filing status and catalog (from filing)."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.filing import (
    INSTITUTION_STATUS_AFTER,
    CatalogChanged,
    FilingFiled,
)
from skilleval_shared.storage.mongo import Document


class EnterpriseProjection:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.enterprises = db["enterprises"]

    async def record_filed(self, event: CloudEvent[Any]) -> None:
        data: FilingFiled = event.data
        await self.enterprises.replace_one(
            {"_id": data.uscc},
            {
                "_id": data.uscc,
                "name": data.enterprise_name,
                "status": "filed",
                "institution_serial": data.institution_serial,
                "catalog_version": data.catalog_version,
                "catalog": [entry.model_dump(mode="json") for entry in data.catalog],
            },
            upsert=True,
        )

    async def record_catalog(self, event: CloudEvent[Any]) -> None:
        data: CatalogChanged = event.data
        await self.enterprises.update_one(
            {"_id": data.uscc},
            {
                "$set": {
                    "catalog_version": data.catalog_version,
                    "catalog": [entry.model_dump(mode="json") for entry in data.catalog],
                }
            },
        )

    async def record_status(self, event: CloudEvent[Any]) -> None:
        await self.enterprises.update_one(
            {"_id": event.data.uscc}, {"$set": {"status": INSTITUTION_STATUS_AFTER[event.type]}}
        )

    async def get(self, uscc: str) -> Document | None:
        return await self.enterprises.find_one({"_id": uscc})
