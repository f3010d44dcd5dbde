"""certification's projection of each evaluation institution, from filing's events."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from pymongo.asynchronous.database import AsyncDatabase

from skilleval_certification.institutions.model import Institution
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.filing import (
    INSTITUTION_STATUS_AFTER,
    CatalogChanged,
    EntrustmentAccepted,
    EntrustmentResumed,
    EntrustmentSuspended,
    FilingFiled,
    InstitutionCodeAssigned,
    InstitutionSerialRecorded,
)
from skilleval_shared.storage.mongo import Document
from skilleval_shared.storage.projection import Projection, newer_catalog, serial_fields

LOCAL = ZoneInfo("Asia/Shanghai")


def _scopes(catalog: Any) -> list[dict[str, Any]]:
    return [
        {
            "occupation_code": entry.occupation_code,
            "work_type": entry.work_type,
            "levels": sorted(
                {*entry.levels, *(tier.national_level for tier in getattr(entry, "tiers", ()))}
            ),
        }
        for entry in catalog
    ]


def _local_day(event: CloudEvent[Any]) -> date:
    return event.time.astimezone(LOCAL).date()


def _with_status(body: Document, on: date, status: str) -> Document:
    history = [*body.get("history", []), {"on": on.isoformat(), "status": status}]
    return body | {"history": history, "status": status}


class InstitutionProjection:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["institutions"]
        self.projection = Projection(self.collection)

    async def record_filed(self, event: CloudEvent[Any]) -> None:
        data: FilingFiled = event.data
        fields = {
            "uscc": data.uscc,
            "name": data.enterprise_name,
            "category": data.institution_category.value,
            "institution_code": data.institution_code,
            "province_code": data.province_code,
            "catalog_version": data.catalog_version,
            "catalog": _scopes(data.catalog),
        } | serial_fields(data.institution_serial)
        await self.projection.apply(
            data.uscc,
            event,
            lambda body: _with_status(body | newer_catalog(body, fields), data.filed_on, "filed"),
        )

    async def record_status(self, event: CloudEvent[Any]) -> None:
        status = INSTITUTION_STATUS_AFTER[event.type]
        day = _local_day(event)
        await self.projection.apply(
            event.data.uscc, event, lambda body: _with_status(body, day, status)
        )

    async def record_catalog(self, event: CloudEvent[Any]) -> None:
        data: CatalogChanged = event.data
        fields = {"catalog_version": data.catalog_version, "catalog": _scopes(data.catalog)}
        await self.projection.apply(
            data.uscc, event, lambda body: body | newer_catalog(body, fields)
        )

    async def record_code(self, event: CloudEvent[Any]) -> None:
        data: InstitutionCodeAssigned = event.data
        await self.projection.apply(
            data.uscc, event, lambda body: body | {"institution_code": data.institution_code}
        )

    async def record_serial(self, event: CloudEvent[Any]) -> None:
        data: InstitutionSerialRecorded = event.data
        serial = data.institution_serial
        await self.projection.apply(
            data.uscc, event, lambda body: body | {"institution_serial": serial}
        )

    async def record_entrustment(self, event: CloudEvent[Any]) -> None:
        data: EntrustmentAccepted = event.data
        entrustment = {
            "entrustment_id": data.entrustment_id,
            "client_uscc": data.client_uscc,
            "scope": _scopes(data.scope),
            "valid_from": data.valid_from.isoformat(),
            "valid_until": data.valid_until.isoformat(),
        }

        def change(body: Document) -> Document:
            kept = [
                e
                for e in body.get("entrustments", [])
                if e["entrustment_id"] != data.entrustment_id
            ]
            return body | {"entrustments": [*kept, entrustment]}

        await self.projection.apply(data.uscc, event, change)

    async def record_entrustment_suspension(self, event: CloudEvent[Any]) -> None:
        data: EntrustmentSuspended | EntrustmentResumed = event.data
        reason = data.reason if isinstance(data, EntrustmentSuspended) else None

        def change(body: Document) -> Document:
            entrustments = [
                e | {"suspended_reason": reason}
                if e["entrustment_id"] == data.entrustment_id
                else e
                for e in body.get("entrustments", [])
            ]
            return body | {"entrustments": entrustments}

        await self.projection.apply(data.uscc, event, change)

    async def get(self, uscc: str) -> Institution | None:
        found = await self.collection.find_one({"_id": uscc})
        if found is None or not found.get("uscc"):
            return None if found is None else Institution.model_validate(found | {"uscc": uscc})
        return Institution.model_validate(
            {k: v for k, v in found.items() if k not in ("_id", "seen", "catalog_version")}
        )
