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
    FilingLapsed,
    FilingRevoked,
    FilingSuspended,
    InstitutionCodeAssigned,
    InstitutionSerialRecorded,
)
from skilleval_shared.events.filing_parts import RevocationGroundKind
from skilleval_shared.storage.mongo import Document
from skilleval_shared.storage.projection import (
    Projection,
    catalog_fields,
    newer_catalog,
    serial_fields,
)

MAX_LISTED = 500
LISTED_STATUSES = ("filed", "suspended", "revoked", "lapsed")
GROUND_TITLES = {
    RevocationGroundKind.MISCONDUCT: "违规失信",
    RevocationGroundKind.MISMANAGEMENT: "管理失序",
    RevocationGroundKind.OTHER: "其他",
}


def _status_note(data: Any) -> str | None:
    if isinstance(data, FilingRevoked) and data.grounds:
        return "取消评价资质理由：" + "、".join(GROUND_TITLES[g.kind] for g in data.grounds)
    if isinstance(data, FilingSuspended) and data.until is not None:
        return f"暂停评价至{data.until.isoformat()}"
    if isinstance(data, FilingLapsed):
        return f"备案有效期至{data.valid_until.isoformat()}，未继续备案"
    return None


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
        """The status, and what the public is told of it (一公开): the grounds of a revocation,
        the end of a suspension, the end of a lapsed validity."""
        status = INSTITUTION_STATUS_AFTER[event.type]
        note = _status_note(event.data)
        await self.projection.apply(
            event.data.uscc, event, lambda body: body | {"status": status, "status_note": note}
        )

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
        # Suspended, revoked and lapsed institutions stay listed, marked as such, so that the
        # public sees who may no longer evaluate.
        listed = {"status": {"$in": list(LISTED_STATUSES)}}
        query = self.institutions.find(listed).sort("_id").limit(MAX_LISTED)
        return await query.to_list(MAX_LISTED)
