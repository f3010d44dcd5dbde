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
from skilleval_shared.storage.projection import Projection, newer_catalog


class EnterpriseProjection:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.enterprises = db["enterprises"]
        self.projection = Projection(self.enterprises)

    async def record_filed(self, event: CloudEvent[Any]) -> None:
        data: FilingFiled = event.data
        fields = {
            "name": data.enterprise_name,
            "status": "filed",
            "institution_serial": data.institution_serial,
            "catalog_version": data.catalog_version,
            "catalog": [entry.model_dump(mode="json") for entry in data.catalog],
        }
        await self.projection.apply(
            data.uscc, event, lambda body: body | newer_catalog(body, fields)
        )

    async def record_catalog(self, event: CloudEvent[Any]) -> None:
        data: CatalogChanged = event.data
        fields = {
            "catalog_version": data.catalog_version,
            "catalog": [entry.model_dump(mode="json") for entry in data.catalog],
        }
        await self.projection.apply(
            data.uscc, event, lambda body: body | newer_catalog(body, fields)
        )

    async def record_status(self, event: CloudEvent[Any]) -> None:
        status = INSTITUTION_STATUS_AFTER[event.type]
        await self.projection.apply(event.data.uscc, event, lambda body: body | {"status": status})

    async def get(self, uscc: str) -> Document | None:
        return await self.enterprises.find_one({"_id": uscc})
