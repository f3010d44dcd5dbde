"""What staff send to revoke a filing (取消评价资质) or answer 继续备案, and the term view."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from skilleval_filing.exits.model import (
    EVIDENCE_LABELS,
    GROUND_LABELS,
    renewal_window_opens,
    valid_until,
)
from skilleval_filing.filings.model import FilingRecord
from skilleval_shared.events.fields import Identifier
from skilleval_shared.events.filing_parts import (
    Evidence,
    EvidenceKind,
    RevocationGround,
    RevocationGroundKind,
)
from skilleval_shared.fields import LongText
from skilleval_shared.web.views import View


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvidenceForm(_Form):
    kind: EvidenceKind = Field(
        title="依据类型（credit 信用记录、inspection 抽查、complaint 投诉举报）"
    )
    evidence_id: Identifier = Field(title="依据编号")


class GroundForm(_Form):
    kind: RevocationGroundKind = Field(
        title="取消理由（misconduct 违规失信、mismanagement 管理失序、other 其他）"
    )
    explanation: LongText = Field(title="具体情形")
    evidence: list[EvidenceForm] = Field(default=[], max_length=50, title="所依据的记录")

    def ground(self) -> RevocationGround:
        return RevocationGround(
            kind=self.kind,
            explanation=self.explanation,
            evidence=tuple(Evidence(kind=e.kind, evidence_id=e.evidence_id) for e in self.evidence),
        )


class RevokeForm(_Form):
    reason: str = Field(title="撤销决定")
    grounds: list[GroundForm] = Field(max_length=3, title="取消评价资质的理由及依据")


class RefuseRenewalForm(_Form):
    reason: str = Field(title="不同意继续备案的理由")


class TermView(View):
    filing_id: str = Field(title="备案申请编号")
    uscc: str = Field(title="统一社会信用代码")
    status: str = Field(title="状态")
    status_label: str = Field(title="状态名称")
    status_reason: str | None = Field(title="状态原因")
    valid_until: str | None = Field(title="备案有效期至")
    renewal_opens_on: str | None = Field(title="可申请继续备案的起始日期")
    renewal_requested_on: str | None = Field(title="申请继续备案的日期（待处理）")
    suspended_until: str | None = Field(title="暂停至")
    revocation_grounds: list[dict[str, Any]] = Field(title="取消评价资质的理由及依据")


def term_view(record: FilingRecord, *, validity_years: int, window_days: int) -> dict[str, Any]:
    filing = record.filing
    end = valid_until(filing, validity_years)
    return {
        "filing_id": filing.filing_id,
        "uscc": filing.uscc,
        "status": filing.state.value,
        "status_label": filing.state.label,
        "status_reason": filing.status_reason,
        "valid_until": _day(end),
        "renewal_opens_on": _day(renewal_window_opens(end, window_days) if end else None),
        "renewal_requested_on": _day(filing.renewal_requested_on),
        "suspended_until": _day(filing.suspended_until),
        "revocation_grounds": [
            {
                "kind": ground.kind.value,
                "kind_label": GROUND_LABELS[ground.kind],
                "explanation": ground.explanation,
                "evidence": [
                    {
                        "kind": item.kind.value,
                        "kind_label": EVIDENCE_LABELS[item.kind],
                        "evidence_id": item.evidence_id,
                    }
                    for item in ground.evidence
                ],
            }
            for ground in filing.revocation_grounds
        ],
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
