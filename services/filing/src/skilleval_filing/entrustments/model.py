"""委托评价: a filed enterprise (受托方) evaluates another enterprise's (委托方) workers under an
agreement filed with the city centre, usable only once accepted and only within its validity."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from skilleval_filing.actors import Caller
from skilleval_filing.catalog.table import CatalogTable, RowKey, RowTarget, normalise_work_type
from skilleval_filing.filings.lifecycle import Actor, FilingState
from skilleval_filing.review import Review, ReviewState, decide_review, ensure_submitter
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest
from skilleval_shared.fields import ShortText
from skilleval_shared.validation import USCC, LevelSet, SkillLevel

WHAT = "委托评价协议"
MAX_SCOPE_ROWS = 100
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _sha256(value: str) -> str:
    digest = value.strip().lower()
    if not _SHA256.fullmatch(digest):
        raise ValueError("文件摘要编号格式不正确：应为上传文件后返回的64位编号")
    return digest


Sha256 = Annotated[str, AfterValidator(_sha256)]


class ScopeRow(RowTarget):
    levels: LevelSet = Field(title="级别")


class EntrustmentAgreement(BaseModel):
    model_config = ConfigDict(frozen=True)

    client_uscc: USCC = Field(title="委托方统一社会信用代码")
    client_name: ShortText = Field(title="委托方名称")
    # 报双方所在市鉴定中心备案: the client's own centre, which may be another city's.
    client_city_center: ShortText = Field(title="委托方所在市职业技能鉴定（指导）中心")
    trustee_uscc: USCC = Field(title="受托方统一社会信用代码")
    scope: tuple[ScopeRow, ...] = Field(title="委托评价职业（工种）范围")
    valid_from: date = Field(title="协议有效期起")
    valid_until: date = Field(title="协议有效期止")
    agreement_file_id: ShortText = Field(title="委托评价协议文件")
    agreement_sha256: Sha256 = Field(title="协议文件SHA-256")

    @field_validator("scope")
    @classmethod
    def _scope_present_and_unique(cls, scope: tuple[ScopeRow, ...]) -> tuple[ScopeRow, ...]:
        if not scope:
            raise ValueError("委托评价范围至少应包含一个职业（工种）")
        if len(scope) > MAX_SCOPE_ROWS:
            raise ValueError(f"委托评价范围最多{MAX_SCOPE_ROWS}行")
        keys = [row.key for row in scope]
        repeated = [key for i, key in enumerate(keys) if key in keys[:i]]
        if repeated:
            raise ValueError(f"委托评价范围中{repeated[0].describe()}重复")
        return scope

    @model_validator(mode="after")
    def _parties_and_dates(self) -> EntrustmentAgreement:
        if self.client_uscc == self.trustee_uscc:
            raise ValueError("委托方与受托方不能是同一企业")
        if not self.valid_from < self.valid_until:
            raise ValueError("协议有效期的开始日期应早于结束日期")
        return self


class PartySuspension(BaseModel):
    """A party whose filing was suspended, revoked or lapsed after the agreement was accepted."""

    model_config = ConfigDict(frozen=True)

    party_uscc: str
    reason: str
    since: date


class Entrustment(BaseModel):
    model_config = ConfigDict(frozen=True)

    entrustment_id: str
    agreement: EntrustmentAgreement
    submitted_on: date
    review: Review = Review()
    # Non-empty: suspended (中止) until every party listed may evaluate again.
    suspensions: tuple[PartySuspension, ...] = ()

    @property
    def is_suspended(self) -> bool:
        return bool(self.suspensions)

    def is_usable_on(self, day: date) -> bool:
        agreement = self.agreement
        accepted = self.review.state is ReviewState.ACCEPTED
        return (
            accepted
            and not self.suspensions
            and agreement.valid_from <= day <= agreement.valid_until
        )

    def party_role(self, uscc: str) -> str:
        return "受托方" if uscc == self.agreement.trustee_uscc else "委托方"

    def suspended_for(self, party_uscc: str, *, reason: str, on: date) -> Entrustment | None:
        """Suspended because ``party_uscc`` may no longer evaluate; None if it already was
        for that party, or was rejected (nothing to suspend). A submitted agreement holds the
        suspension too, so that an acceptance racing the party's suspension loses: both write
        the same aggregate, and whichever commits second decides again on what the first did."""
        if self.review.state not in (ReviewState.ACCEPTED, ReviewState.SUBMITTED):
            return None
        if any(s.party_uscc == party_uscc for s in self.suspensions):
            return None
        held = PartySuspension(party_uscc=party_uscc, reason=reason, since=on)
        return self.model_copy(update={"suspensions": (*self.suspensions, held)})

    def resumed_for(self, party_uscc: str) -> Entrustment | None:
        """Without ``party_uscc``'s suspension; None if it held none."""
        kept = tuple(s for s in self.suspensions if s.party_uscc != party_uscc)
        if len(kept) == len(self.suspensions):
            return None
        return self.model_copy(update={"suspensions": kept})

    def covers(
        self, occupation_code: str, work_type: str | None, level: SkillLevel, day: date
    ) -> bool:
        wanted = RowKey(occupation_code, normalise_work_type(work_type))
        return self.is_usable_on(day) and any(
            row.key == wanted and level in row.levels for row in self.agreement.scope
        )


# A party whose filing stands so may not take part in an entrustment: a new agreement is neither
# submitted nor accepted, and an accepted one is suspended (``service.party_status_changed``).
BLOCKING_STATUSES = {
    FilingState.SUSPENDED: "已暂停评价",
    FilingState.REVOKED: "已被取消评价资质",
    FilingState.LAPSED: "备案已失效",
}


def ensure_client_in_good_standing(client_state: FilingState | None, doing: str) -> None:
    """The client (委托方) need not be filed itself, but one whose own filing was suspended,
    revoked or has lapsed cannot enter an agreement. ``client_state``: its latest filing's
    state, None if it never applied."""
    if client_state in BLOCKING_STATUSES:
        raise IllegalTransition(f"委托方{BLOCKING_STATUSES[client_state]}，不能{doing}")


def outside_catalog(agreement: EntrustmentAgreement, catalog: CatalogTable) -> list[str]:
    """Descriptions of scope rows (or levels) the trustee has not filed."""
    problems = []
    for row in agreement.scope:
        filed = catalog.find(row.occupation_code, row.work_type)
        if filed is None:
            problems.append(f"{row.key.describe()}不在受托方备案目录中")
        elif not row.levels <= filed.levels:
            extra = "、".join(str(level.value) for level in sorted(row.levels - filed.levels))
            problems.append(f"{row.key.describe()}的级别{extra}不在受托方备案范围内")
    return problems


def _ensure_within_catalog(agreement: EntrustmentAgreement, catalog: CatalogTable) -> None:
    problems = outside_catalog(agreement, catalog)
    if problems:
        raise InvalidRequest(f"委托评价范围超出受托方备案目录：{'；'.join(problems)}")


def submit_entrustment(
    *,
    entrustment_id: str,
    agreement: EntrustmentAgreement,
    trustee_uscc: str,
    trustee_state: FilingState,
    trustee_catalog: CatalogTable,
    client_state: FilingState | None,
    actor: Actor,
    on: date,
) -> Entrustment:
    """``trustee_uscc`` is the submitting account's; the agreement must name it as trustee."""
    ensure_submitter(actor, trustee_state, WHAT)
    if agreement.trustee_uscc != trustee_uscc:
        raise InvalidRequest("受托方须为提交协议的备案企业本身")
    ensure_client_in_good_standing(client_state, f"提交{WHAT}")
    if agreement.valid_until < on:
        raise InvalidRequest("委托评价协议已过有效期")
    _ensure_within_catalog(agreement, trustee_catalog)
    return Entrustment(entrustment_id=entrustment_id, agreement=agreement, submitted_on=on)


def review_entrustment(
    entrustment: Entrustment,
    *,
    trustee_state: FilingState,
    trustee_catalog: CatalogTable,
    client_state: FilingState | None,
    actor: Actor,
    accept: bool,
    on: date,
    plan_filed: bool,
    reason: str = "",
) -> Entrustment:
    """Checked against both parties' filings again: either may have been suspended, revoked or
    have lapsed, or the trustee's catalog may have shrunk, since submission. Accepted only with
    its 评价实施方案 uploaded."""
    review = decide_review(
        entrustment.review, actor=actor, accept=accept, on=on, what=WHAT, reason=reason
    )
    if review.state is ReviewState.ACCEPTED:
        if not plan_filed:
            raise IllegalTransition("尚未上传评价实施方案，不能通过委托评价协议备案")
        if trustee_state is not FilingState.FILED:
            raise IllegalTransition(f"受托方备案状态为“{trustee_state.label}”，不能通过{WHAT}")
        ensure_client_in_good_standing(client_state, f"通过{WHAT}")
        if entrustment.suspensions:
            held = "；".join(s.reason for s in entrustment.suspensions)
            raise IllegalTransition(f"{held}，不能通过{WHAT}")
        _ensure_within_catalog(entrustment.agreement, trustee_catalog)
    return entrustment.model_copy(update={"review": review})


class AgreementFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    file_id: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str


class EntrustmentRecord(BaseModel):
    """The aggregate (kind ``entrustment``, one per agreement): the agreement, its file and who
    submitted and decided it."""

    model_config = ConfigDict(frozen=True)

    entrustment: Entrustment
    filing_id: str
    file: AgreementFile
    # 评价实施方案, uploaded after the agreement and required before it is accepted.
    plan: AgreementFile | None = None
    submitted_by: str
    submitted_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None

    @property
    def entrustment_id(self) -> str:
        return self.entrustment.entrustment_id

    @property
    def trustee_uscc(self) -> str:
        return self.entrustment.agreement.trustee_uscc

    @property
    def client_uscc(self) -> str:
        return self.entrustment.agreement.client_uscc

    @property
    def state(self) -> ReviewState:
        return self.entrustment.review.state

    def visible_to(self, caller: Caller) -> bool:
        """Staff, the trustee (受托方) and the client (委托方)."""
        return caller.is_staff or caller.uscc in (self.trustee_uscc, self.client_uscc)
