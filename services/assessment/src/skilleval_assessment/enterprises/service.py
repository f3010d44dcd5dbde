"""assessment's own projection of each enterprise's filing status, institution code and serial,
catalog and accepted entrustments (from filing's events only, each applied only if newer)."""

from __future__ import annotations

from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase

from skilleval_assessment.enterprises.model import Institution
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.filing import (
    INSTITUTION_STATUS_AFTER,
    CatalogChanged,
    EntrustmentAccepted,
    EntrustmentRejected,
    EntrustmentResumed,
    EntrustmentSuspended,
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


class Institutions(Protocol):
    async def get(self, uscc: str) -> Institution | None: ...


class EnterpriseProjection:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.enterprises = db["enterprises"]
        self.projection = Projection(self.enterprises)

    async def record_filed(self, event: CloudEvent[Any]) -> None:
        data: FilingFiled = event.data
        fields = (
            {
                "uscc": data.uscc,
                "name": data.enterprise_name,
                "status": "filed",
                "institution_code": data.institution_code,
            }
            | serial_fields(data.institution_serial)
            | catalog_fields(data)
        )
        await self.projection.apply(
            data.uscc, event, lambda body: body | newer_catalog(body, fields)
        )

    async def record_catalog(self, event: CloudEvent[Any]) -> None:
        data: CatalogChanged = event.data
        fields = catalog_fields(data)
        await self.projection.apply(
            data.uscc, event, lambda body: body | newer_catalog(body, fields)
        )

    async def record_status(self, event: CloudEvent[Any]) -> None:
        status = INSTITUTION_STATUS_AFTER[event.type]
        await self.projection.apply(event.data.uscc, event, lambda body: body | {"status": status})

    async def record_code(self, event: CloudEvent[Any]) -> None:
        data: InstitutionCodeAssigned = event.data
        code = data.institution_code
        await self.projection.apply(
            data.uscc, event, lambda body: body | {"institution_code": code}
        )

    async def record_serial(self, event: CloudEvent[Any]) -> None:
        data: InstitutionSerialRecorded = event.data
        serial = data.institution_serial
        await self.projection.apply(
            data.uscc, event, lambda body: body | {"institution_serial": serial}
        )

    async def record_entrustment(self, event: CloudEvent[Any]) -> None:
        data: EntrustmentAccepted | EntrustmentRejected = event.data
        entry = (
            {
                "entrustment_id": data.entrustment_id,
                "client_uscc": data.client_uscc,
                "client_name": data.client_name,
                "scope": [scope.model_dump(mode="json") for scope in data.scope],
                "valid_from": data.valid_from.isoformat(),
                "valid_until": data.valid_until.isoformat(),
            }
            if isinstance(data, EntrustmentAccepted)
            else None
        )

        def change(body: Document) -> Document:
            entrustments = {
                key: value
                for key, value in body.get("entrustments", {}).items()
                if key != data.entrustment_id
            }
            if entry is not None:
                entrustments[data.entrustment_id] = entry
            return body | {"entrustments": entrustments}

        await self.projection.apply(data.uscc, event, change)

    async def record_entrustment_suspension(self, event: CloudEvent[Any]) -> None:
        data: EntrustmentSuspended | EntrustmentResumed = event.data
        reason = data.reason if isinstance(data, EntrustmentSuspended) else None

        def change(body: Document) -> Document:
            entrustments = dict(body.get("entrustments", {}))
            if data.entrustment_id not in entrustments:
                return body
            entry = entrustments[data.entrustment_id] | {"suspended_reason": reason}
            return body | {"entrustments": entrustments | {data.entrustment_id: entry}}

        await self.projection.apply(data.uscc, event, change)

    async def get(self, uscc: str) -> Institution | None:
        document = await self.enterprises.find_one({"_id": uscc})
        if document is None or "status" not in document:
            return None
        return Institution.model_validate({"uscc": uscc} | document)
