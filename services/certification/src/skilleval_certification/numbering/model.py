"""The national certificate number (职业技能等级证书编码规则) and how a roster's approved rows
are numbered: one block of serials per (institution, year, level), assigned in 序号 order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from skilleval_shared.domain_errors import IllegalTransition
from skilleval_shared.events.fields import InstitutionCategory
from skilleval_shared.events.roster import RosterRow

SERIAL_DIGITS = 6
MAX_SERIAL = 10**SERIAL_DIGITS - 1


class MissingInstitutionSerial(IllegalTransition):
    """The filing receipt has no institution serial (positions 8–13) yet."""


class NumberPrefix(BaseModel):
    """Positions 1–13: category, ministry institution code, province, institution serial."""

    model_config = ConfigDict(frozen=True)

    category: InstitutionCategory = InstitutionCategory.EMPLOYER
    institution_code: str = "0000"
    province_code: str = "37"
    institution_serial: str

    def text(self) -> str:
        return (
            f"{self.category.value}{self.institution_code}{self.province_code}"
            f"{self.institution_serial}"
        )


def require_serial(institution_serial: str | None) -> str:
    if not institution_serial:
        raise MissingInstitutionSerial(
            "评价机构的备案回执尚未记录机构序号（证书编号第8至13位），暂不能编号发证，"
            "请待备案信息补全后再申请编号"
        )
    return institution_serial


def certificate_number(prefix: NumberPrefix, issue_date: date, level: int, serial: int) -> str:
    """Y + code(4) + province(2) + institution serial(6) + year(2) + level(1) + serial(6)."""
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError(f"证书流水号超出范围：{serial}")
    if not 1 <= level <= 5:
        raise ValueError(f"职业技能等级超出范围：{level}")
    return f"{prefix.text()}{issue_date.year % 100:02d}{level}{serial:0{SERIAL_DIGITS}d}"


def series(institution_uscc: str, issue_date: date, level: int) -> str:
    """The serial sequence a number is drawn from: per institution, year and level."""
    return f"cert:{institution_uscc}:{issue_date.year}:{level}"


def count_by_level(rows: Iterable[RosterRow]) -> dict[int, int]:
    return dict(Counter(row.level for row in rows))


def assign(
    rows: Sequence[RosterRow],
    blocks: Mapping[int, range],
    prefix: NumberPrefix,
    issue_date: date,
) -> list[RosterRow]:
    """The rows with their numbers and issue date: each level's rows, in 序号 order, take that
    level's block in order. A block must hold exactly as many serials as the level has rows."""
    by_level: dict[int, list[RosterRow]] = {}
    for row in sorted(rows, key=lambda row: row.seq):
        by_level.setdefault(row.level, []).append(row)
    numbered: list[RosterRow] = []
    for level, level_rows in by_level.items():
        block = blocks[level]
        if len(block) != len(level_rows):
            raise ValueError(f"level {level}: {len(level_rows)} rows but {len(block)} serials")
        for row, serial in zip(level_rows, block, strict=True):
            number = certificate_number(prefix, issue_date, level, serial)
            numbered.append(
                row.model_copy(update={"certificate_number": number, "issue_date": issue_date})
            )
    return sorted(numbered, key=lambda row: row.seq)
