from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from skilleval_shared.events.fields import CertificateNumber


class AttemptView(BaseModel):
    sync_id: str = Field(title="报送编号")
    operation: str = Field(title="操作", description="upsert 新增/更新；revoke 撤销")
    sent_at: datetime = Field(title="报送时间")
    status: str = Field(title="结果代码")
    message: str | None = Field(default=None, title="省库说明")
    acknowledged_at: datetime | None = Field(default=None, title="确认时间")


class SyncRecordView(BaseModel):
    certificate_number: str = Field(title="证书编号")
    institution_uscc: str = Field(title="发证机构统一社会信用代码")
    status: str = Field(title="同步状态代码", description="waiting / pending / accepted / rejected")
    status_title: str = Field(title="同步状态")
    operation: str | None = Field(default=None, title="最近一次操作")
    sync_id: str | None = Field(default=None, title="最近一次报送编号")
    sent_at: datetime | None = Field(default=None, title="最近一次报送时间")
    message: str | None = Field(default=None, title="省库说明（退回原因）")
    acknowledged_at: datetime | None = Field(default=None, title="确认时间")
    sends: int = Field(title="报送次数")
    history: list[AttemptView] = Field(default_factory=list, title="报送记录")


class ResendRequest(BaseModel):
    first: CertificateNumber = Field(title="起始证书编号")
    last: CertificateNumber = Field(title="结束证书编号")


class ResendResult(BaseModel):
    resent: int = Field(title="重发条数")
    certificate_numbers: list[str] = Field(title="重发的证书编号")


class ReconciliationReport(BaseModel):
    generated_at: datetime = Field(title="生成时间")
    older_than_seconds: float = Field(title="超时阈值（秒）")
    unacknowledged: list[SyncRecordView] = Field(title="超时未确认")
    rejected: list[SyncRecordView] = Field(title="省库退回")


class SyncSummary(BaseModel):
    counts: dict[str, int] = Field(title="各状态条数")


class MessageSchema(BaseModel):
    json_schema: dict[str, Any] = Field(title="registry.province-sync.v1 消息的 JSON Schema")
