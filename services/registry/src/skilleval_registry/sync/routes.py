"""Staff endpoints of the provincial sync: status per certificate, resend, reconciliation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from skilleval_registry.sync.model import SyncRecord
from skilleval_registry.sync.schemas import (
    MessageSchema,
    ReconciliationReport,
    ResendRequest,
    ResendResult,
    SyncRecordView,
    SyncSummary,
)
from skilleval_registry.sync.service import ProvinceSync
from skilleval_shared.auth import StaffPrincipal
from skilleval_shared.envelope import CloudEvent
from skilleval_shared.events.fields import CertificateNumber
from skilleval_shared.events.registry import SyncRecorded
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(prefix="/api/v1/sync", tags=["province-sync"], route_class=DomainErrorRoute)


def _sync(request: Request) -> ProvinceSync:
    sync: ProvinceSync = request.app.state.sync
    return sync


def _view(record: SyncRecord) -> SyncRecordView:
    return SyncRecordView.model_validate(
        record.model_dump(exclude={"row"}) | {"status_title": record.status.label}
    )


@router.get(
    "/certificates/{number}", summary="一张证书的省库同步状态", response_model=SyncRecordView
)
async def sync_status(
    number: Annotated[CertificateNumber, Path(title="证书编号")],
    request: Request,
    staff: StaffPrincipal,
) -> SyncRecordView:
    return _view(await _sync(request).get(number=number))


@router.get("/summary", summary="各同步状态的条数", response_model=SyncSummary)
async def summary(request: Request, staff: StaffPrincipal) -> SyncSummary:
    return SyncSummary(counts=await _sync(request).summary())


@router.post("/resend", summary="按证书编号范围重新报送", response_model=ResendResult)
async def resend(body: ResendRequest, request: Request, staff: StaffPrincipal) -> ResendResult:
    numbers = await _sync(request).resend(first=body.first, last=body.last)
    return ResendResult(resent=len(numbers), certificate_numbers=numbers)


@router.get(
    "/reconciliation",
    summary="对账报告：超时未确认与被退回的记录",
    response_model=ReconciliationReport,
)
async def reconciliation(
    request: Request,
    staff: StaffPrincipal,
    older_than_seconds: Annotated[
        float | None, Query(title="超时阈值（秒），默认取配置", ge=0, le=10 * 365 * 86400)
    ] = None,
) -> ReconciliationReport:
    report: dict[str, Any] = await _sync(request).reconciliation(
        older_than_seconds=older_than_seconds
    )
    return ReconciliationReport.model_validate(
        report
        | {
            "unacknowledged": [_view(item) for item in report["unacknowledged"]],
            "rejected": [_view(item) for item in report["rejected"]],
        }
    )


@router.get(
    "/schema", summary="省库同步消息的 JSON Schema（附件3 列）", response_model=MessageSchema
)
async def message_schema() -> MessageSchema:
    return MessageSchema(json_schema=province_sync_schema())


def province_sync_schema() -> dict[str, Any]:
    return CloudEvent[SyncRecorded].model_json_schema(mode="serialization")
