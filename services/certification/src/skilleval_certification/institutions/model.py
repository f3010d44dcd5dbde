"""What certification knows of an evaluation institution, from filing's events: name, status
over time, the parts of its certificate numbers, its catalog and accepted entrustments."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from skilleval_shared.events.fields import InstitutionCategory

FILED = "filed"


class Scope(BaseModel):
    """An occupation (and 工种) with levels: a catalog row or an entrusted scope."""

    model_config = ConfigDict(frozen=True)

    occupation_code: str
    work_type: str | None = None
    levels: frozenset[int]

    def covers(self, occupation_code: str, work_type: str | None, level: int) -> bool:
        return (
            self.occupation_code == occupation_code
            and (self.work_type is None or self.work_type == work_type)
            and level in self.levels
        )


class Entrustment(BaseModel):
    model_config = ConfigDict(frozen=True)

    entrustment_id: str
    client_uscc: str
    scope: tuple[Scope, ...]
    valid_from: date
    valid_until: date
    # Set while a party's filing is suspended, revoked or lapsed (filing's EntrustmentSuspended):
    # no certificate is issued under it meanwhile.
    suspended_reason: str | None = None

    def covers(
        self, occupation_code: str, work_type: str | None, level: int, start: date, end: date
    ) -> bool:
        return (
            self.valid_from <= start
            and end <= self.valid_until
            and any(scope.covers(occupation_code, work_type, level) for scope in self.scope)
        )


class StatusChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    on: date
    status: str


class Institution(BaseModel):
    model_config = ConfigDict(frozen=True)

    uscc: str
    name: str = ""
    status: str | None = None
    history: tuple[StatusChange, ...] = ()
    category: InstitutionCategory = InstitutionCategory.EMPLOYER
    institution_code: str = "0000"
    province_code: str = "37"
    institution_serial: str | None = None
    catalog: tuple[Scope, ...] = ()
    entrustments: tuple[Entrustment, ...] = ()

    def status_on(self, day: date) -> str | None:
        """The status in force on ``day``: the last change made on or before it."""
        current = None
        for change in sorted(self.history, key=lambda change: change.on):
            if change.on <= day:
                current = change.status
        return current

    def evaluates(self, occupation_code: str, work_type: str | None, level: int) -> bool:
        """In the catalog, or in the scope of an accepted entrustment (whatever its dates)."""
        return self.in_catalog(occupation_code, work_type, level) or any(
            scope.covers(occupation_code, work_type, level)
            for entrustment in self.entrustments
            for scope in entrustment.scope
        )

    def in_catalog(self, occupation_code: str, work_type: str | None, level: int) -> bool:
        return any(entry.covers(occupation_code, work_type, level) for entry in self.catalog)

    def entrusted_during(
        self, occupation_code: str, work_type: str | None, level: int, start: date, end: date
    ) -> bool:
        """An entrustment in force (not suspended) covers the scope and is valid over the whole
        of ``start``…``end``."""
        return any(
            entrustment.suspended_reason is None
            and entrustment.covers(occupation_code, work_type, level, start, end)
            for entrustment in self.entrustments
        )

    def suspended_entrustment(
        self, occupation_code: str, work_type: str | None, level: int, start: date, end: date
    ) -> Entrustment | None:
        """A suspended entrustment that would otherwise cover the row."""
        return next(
            (
                entrustment
                for entrustment in self.entrustments
                if entrustment.suspended_reason is not None
                and entrustment.covers(occupation_code, work_type, level, start, end)
            ),
            None,
        )


def entrustment_problem(
    institution: Institution | None,
    occupation_code: str,
    work_type: str | None,
    level: int,
    *,
    start: date,
    end: date,
) -> str | None:
    """Why a row evaluated only under an entrustment is not covered by one valid over the
    evaluation period; None when the catalog or a valid entrustment covers it, and None when
    nothing covers it at all (the catalog check reports that)."""
    if institution is None or institution.in_catalog(occupation_code, work_type, level):
        return None
    if not institution.evaluates(occupation_code, work_type, level):
        return None
    if institution.entrusted_during(occupation_code, work_type, level, start, end):
        return None
    suspended = institution.suspended_entrustment(occupation_code, work_type, level, start, end)
    if suspended is not None:
        return (
            f"委托评价协议已中止（{suspended.suspended_reason}），"
            "不能按该协议评价此职业（工种）或等级并发证"
        )
    return (
        f"委托评价协议在评价期间（{start.isoformat()}至{end.isoformat()}）不在有效期内，"
        "不能评价该职业（工种）或等级"
    )


STATUS_WORDS = {
    "suspended": "处于暂停评价状态",
    "revoked": "已被取消评价资质",
    "lapsed": "备案有效期已届满（未继续备案）",
}


def status_problem(institution: Institution | None, day: date) -> str | None:
    """Why the institution could not evaluate on ``day``, or None if it could."""
    if institution is None:
        return "评价机构未备案"
    status = institution.status_on(day)
    if status == FILED:
        return None
    if status is None:
        return f"评价机构在评价日期（{day.isoformat()}）尚未备案"
    return f"评价机构在评价日期（{day.isoformat()}）{STATUS_WORDS.get(status, '不可评价')}"
