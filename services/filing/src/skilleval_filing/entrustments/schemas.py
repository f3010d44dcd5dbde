"""What a trustee sends to file an entrusted-evaluation agreement and a reviewer to refuse it,
and what the entrustment endpoints answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from skilleval_filing.entrustments.model import (
    MAX_SCOPE_ROWS,
    EntrustmentAgreement,
    EntrustmentRecord,
    ScopeRow,
)
from skilleval_shared.fields import ShortText
from skilleval_shared.problems import field_errors, validation
from skilleval_shared.validation import USCC
from skilleval_shared.web.views import View

PROVISIONAL_FILE_ID = "pending-upload"


class AgreementTerms(BaseModel):
    """The ``agreement`` part of the upload form (JSON); the trustee is the caller."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    client_uscc: USCC = Field(title="委托方统一社会信用代码")
    client_name: ShortText = Field(title="委托方名称")
    client_city_center: ShortText = Field(title="委托方所在市职业技能鉴定（指导）中心")
    scope: tuple[ScopeRow, ...] = Field(
        min_length=1, max_length=MAX_SCOPE_ROWS, title="委托评价职业（工种）范围"
    )
    valid_from: date = Field(title="协议有效期起")
    valid_until: date = Field(title="协议有效期止")


class RejectEntrustment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, title="不予通过的理由")


def parse_terms(raw: str) -> AgreementTerms:
    try:
        return AgreementTerms.model_validate_json(raw)
    except ValidationError as error:
        errors = field_errors(error.errors())
        for item in errors:
            item["field"] = "agreement" if item["field"] == "body" else f"agreement.{item['field']}"
        raise validation(errors=errors) from None


def agreement_of(terms: AgreementTerms, trustee_uscc: str, sha256: str) -> EntrustmentAgreement:
    fields = terms.model_dump() | {
        "trustee_uscc": trustee_uscc,
        "agreement_file_id": PROVISIONAL_FILE_ID,
        "agreement_sha256": sha256,
    }
    try:
        return EntrustmentAgreement.model_validate(fields)
    except ValidationError as error:
        raise validation(errors=field_errors(error.errors())) from None


class EntrustmentView(View):
    entrustment_id: str = Field(title="委托评价协议编号")
    trustee_uscc: str = Field(title="受托方统一社会信用代码")
    client_uscc: str = Field(title="委托方统一社会信用代码")
    client_name: str = Field(title="委托方名称")
    client_city_center: str = Field(title="委托方所在市职业技能鉴定（指导）中心")
    scope: list[dict[str, Any]] = Field(title="委托评价范围")
    valid_from: str = Field(title="协议有效期起")
    valid_until: str = Field(title="协议有效期止")
    status: str = Field(title="状态")
    status_label: str = Field(title="状态名称")
    usable_today: bool = Field(title="今日是否可用")
    suspended: bool = Field(title="是否因一方备案暂停、撤销或失效而中止")
    suspensions: list[dict[str, Any]] = Field(title="中止原因")
    reason: str | None = Field(title="不予通过的理由")
    submitted_on: str = Field(title="报送日期")
    submitted_by: str = Field(title="报送人")
    decided_by: str | None = Field(title="审核人")
    decided_at: str | None = Field(title="审核时间")
    agreement_file: dict[str, Any] = Field(title="协议文件")
    plan_file: dict[str, Any] | None = Field(title="评价实施方案文件（通过备案前须上传）")


class EntrustmentList(View):
    items: list[EntrustmentView] = Field(title="委托评价协议")


def entrustment_view(record: EntrustmentRecord, today: date) -> dict[str, Any]:
    entrustment = record.entrustment
    agreement = entrustment.agreement
    return {
        "entrustment_id": record.entrustment_id,
        "trustee_uscc": agreement.trustee_uscc,
        "client_uscc": agreement.client_uscc,
        "client_name": agreement.client_name,
        "client_city_center": agreement.client_city_center,
        "scope": [row.model_dump(mode="json") for row in agreement.scope],
        "valid_from": agreement.valid_from.isoformat(),
        "valid_until": agreement.valid_until.isoformat(),
        "status": record.state.value,
        "status_label": record.state.label,
        "usable_today": entrustment.is_usable_on(today),
        "suspended": entrustment.is_suspended,
        "suspensions": [
            {
                "party_uscc": held.party_uscc,
                "party_role": entrustment.party_role(held.party_uscc),
                "reason": held.reason,
                "since": held.since.isoformat(),
            }
            for held in entrustment.suspensions
        ],
        "reason": entrustment.review.reason,
        "submitted_on": entrustment.submitted_on.isoformat(),
        "submitted_by": record.submitted_by,
        "decided_by": record.decided_by,
        "decided_at": record.decided_at.isoformat() if record.decided_at else None,
        "agreement_file": record.file.model_dump(mode="json", exclude={"file_id"}),
        "plan_file": record.plan.model_dump(mode="json", exclude={"file_id"})
        if record.plan
        else None,
    }
