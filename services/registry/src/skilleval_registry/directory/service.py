"""The public directory of filed institutions, projected from filing events."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from skilleval_registry.directory.model import matches
from skilleval_shared.cache import TimedValue
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.filing import (
    INSTITUTION_STATUS_AFTER,
    CatalogChanged,
    FilingFiled,
    InstitutionCodeAssigned,
    InstitutionSerialRecorded,
)
from skilleval_shared.storage.mongo import Document
from skilleval_shared.storage.projection import (
    Projection,
    catalog_fields,
    newer_catalog,
    serial_fields,
)

MAX_LISTED = 500


class Directory:
    def __init__(self, db: AsyncDatabase[Document], *, public_cache_seconds: float = 0.0) -> None:
        self.institutions = db["institutions"]
        self.projection = Projection(self.institutions)
        # The public list is a scan on FerretDB: once per TTL per replica, not once per request.
        self.filed = TimedValue(self._scan_filed, public_cache_seconds)

    async def record_filed(self, event: CloudEvent[Any]) -> None:
        data: FilingFiled = event.data
        fields = (
            {
                "name": data.enterprise_name,
                "short_name": data.enterprise_short_name,
                "address": data.address,
                "receipt_number": data.receipt_number,
                "filed_on": data.filed_on.isoformat(),
                "institution_category": data.institution_category.value,
                "institution_code": data.institution_code,
                "province_code": data.province_code,
                "status": "filed",
            }
            | serial_fields(data.institution_serial)
            | catalog_fields(data)
        )
        await self.projection.apply(
            data.uscc, event, lambda body: body | newer_catalog(body, fields)
        )

    async def record_catalog(self, event: CloudEvent[Any]) -> None:
        """An accepted catalog change: the directory lists exactly the new catalog."""
        data: CatalogChanged = event.data
        fields = catalog_fields(data)
        await self.projection.apply(
            data.uscc, event, lambda body: body | newer_catalog(body, fields)
        )

    async def search(self, *, name: str = "", occupation: str = "") -> list[Document]:
        """Filed institutions whose name holds ``name`` and whose catalog holds ``occupation``
        (a code, an occupation or a 工种 name), from the cached list."""
        return [item for item in await self.filed.get() if matches(item, name, occupation)]

    async def record_status(self, event: CloudEvent[Any]) -> None:
        status = INSTITUTION_STATUS_AFTER[event.type]
        await self.projection.apply(event.data.uscc, event, lambda body: body | {"status": status})

    async def record_institution_code(self, event: CloudEvent[Any]) -> None:
        data: InstitutionCodeAssigned = event.data
        await self.projection.apply(
            data.uscc, event, lambda body: body | {"institution_code": data.institution_code}
        )

    async def record_institution_serial(self, event: CloudEvent[Any]) -> None:
        data: InstitutionSerialRecorded = event.data
        serial = data.institution_serial
        await self.projection.apply(
            data.uscc, event, lambda body: body | {"institution_serial": serial}
        )

    async def get(self, uscc: str) -> Document | None:
        """The institution, once its filing is known (a status may arrive before it)."""
        found = await self.institutions.find_one({"_id": uscc})
        return found if found is not None and "name" in found else None

    async def _scan_filed(self) -> list[Document]:
        listed = {"status": {"$in": ["filed", "suspended"]}}  # revoked leaves the directory
        query = self.institutions.find(listed).sort("_id").limit(MAX_LISTED)
        return await query.to_list(MAX_LISTED)
