"""An enterprise as assessment sees it (from filing's events), and who may evaluate what."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from skilleval_shared.domain_errors import NotPermitted
from skilleval_shared.events.fields import CatalogEntry
from skilleval_shared.events.filing_parts import EntrustedScope
from skilleval_shared.validation import SkillLevel


class InstitutionStatus(StrEnum):
    FILED = "filed"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    LAPSED = "lapsed"


class Entrustment(BaseModel):
    entrustment_id: str
    client_uscc: str
    client_name: str
    scope: list[EntrustedScope]
    valid_from: date
    valid_until: date
    # Set while a party's filing is suspended, revoked or lapsed (filing's EntrustmentSuspended).
    suspended_reason: str | None = None


class Institution(BaseModel):
    """The projection document; fields it does not know (``seen``) are ignored."""

    model_config = ConfigDict(extra="ignore")

    uscc: str
    name: str = ""
    status: InstitutionStatus = InstitutionStatus.FILED
    institution_code: str = "0000"
    institution_serial: str = ""
    catalog: list[CatalogEntry] = []
    entrustments: dict[str, Entrustment] = {}

    @property
    def roster_code(self) -> str:
        """评价机构编码 as the roster writes it: the serial on the filing receipt."""
        return self.institution_serial


class Offering(BaseModel):
    """One occupation (工种) and level a plan means to evaluate."""

    model_config = ConfigDict(frozen=True)

    occupation_code: str
    occupation_name: str
    work_type: str | None
    level: int

    def describe(self) -> str:
        work_type = f"（{self.work_type}）" if self.work_type else ""
        return f"{self.occupation_name}{work_type}{SkillLevel(self.level).title}"


_BLOCKED = {
    InstitutionStatus.SUSPENDED: "企业自主评价资格已暂停，暂不能开展评价",
    InstitutionStatus.REVOKED: "企业已被取消评价资质，不能开展评价",
    InstitutionStatus.LAPSED: "企业备案有效期已届满且未继续备案，不能开展评价",
}


def ensure_may_evaluate(
    institution: Institution | None,
    offerings: Iterable[Offering],
    *,
    entrustment_id: str | None = None,
    client_uscc: str | None = None,
    between: tuple[date, date] | None = None,
) -> None:
    """Refuse (``NotPermitted``, in Chinese) what the enterprise may not evaluate now."""
    if institution is None:
        raise NotPermitted("企业尚未完成备案（未取得备案回执），不能开展自主评价")
    if institution.status in _BLOCKED:
        raise NotPermitted(_BLOCKED[institution.status])
    if entrustment_id is None:
        for offering in offerings:
            if not any(_covers_entry(entry, offering) for entry in institution.catalog):
                raise NotPermitted(f"{offering.describe()}不在企业备案的评价职业（工种）目录内")
        return
    entrustment = institution.entrustments.get(entrustment_id)
    if entrustment is None or entrustment.client_uscc != client_uscc:
        raise NotPermitted("委托评价协议不存在或尚未经备案受理")
    if entrustment.suspended_reason is not None:
        raise NotPermitted(f"委托评价协议已中止（{entrustment.suspended_reason}），不能开展评价")
    if between and (between[0] < entrustment.valid_from or between[1] > entrustment.valid_until):
        raise NotPermitted("评价时间不在委托评价协议的有效期内")
    for offering in offerings:
        if not any(_covers_scope(scope, offering) for scope in entrustment.scope):
            raise NotPermitted(f"{offering.describe()}不在委托评价协议约定的范围内")


def _covers_entry(entry: CatalogEntry, offering: Offering) -> bool:
    return (
        entry.occupation_code == offering.occupation_code
        and entry.work_type == offering.work_type
        and offering.level in entry.levels
    )


def _covers_scope(scope: EntrustedScope, offering: Offering) -> bool:
    return (
        scope.occupation_code == offering.occupation_code
        and scope.work_type in (None, offering.work_type)
        and offering.level in scope.levels
    )
