"""准入类职业资格: occupations outside enterprise self-evaluation (青人社发〔2020〕7号 二（四）
“除准入类职业资格外”). No 附表 and no catalog change may bring one into a catalog.

The list is configurable (``ACCESS_OCCUPATIONS_FILE``: one occupation name or 大典 code per line,
``#`` starts a comment); the default is drawn from the access-type (准入类) skilled-worker
qualifications of the national catalog of occupational qualifications (国家职业资格目录) and
should be kept in step with the catalog in force.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from skilleval_filing.catalog.table import CatalogRow
from skilleval_shared.domain_errors import InvalidRequest

DEFAULT_ACCESS_OCCUPATIONS = (
    "消防员",
    "森林消防员",
    "消防设施操作员",
    "轨道列车司机",
    "民航乘务员",
    "航空安全员",
    "机场运行指挥员",
    "家畜繁殖员",
    "游泳救生员",
    "社会体育指导员",
    "特种作业人员",
    "建筑施工特种作业人员",
    "特种设备安全管理和作业人员",
)
_CODE = re.compile(r"[0-9]-[0-9]{2}-[0-9]{2}-[0-9]{2}(-[0-9]{2})?")


@dataclass(frozen=True)
class AccessOccupations:
    """The 准入类 occupations by name (of the occupation or the 工种) and by 大典 code."""

    names: frozenset[str]
    codes: frozenset[str] = frozenset()

    @classmethod
    def of(cls, entries: Iterable[str]) -> AccessOccupations:
        cleaned = [entry.strip() for entry in entries if entry.strip()]
        return cls(
            names=frozenset(e for e in cleaned if not _CODE.fullmatch(e)),
            codes=frozenset(e for e in cleaned if _CODE.fullmatch(e)),
        )

    @classmethod
    def parse(cls, text: str) -> AccessOccupations:
        return cls.of(line.split("#", 1)[0] for line in text.splitlines())

    def matches(self, row: CatalogRow) -> str | None:
        """What on the list ``row`` is, or None."""
        if row.occupation_code in self.codes:
            return row.occupation_code
        for name in (row.occupation_name, row.work_type):
            if name is not None and name.strip() in self.names:
                return name.strip()
        return None


DEFAULT = AccessOccupations.of(DEFAULT_ACCESS_OCCUPATIONS)


def ensure_no_access_occupations(
    rows: Sequence[CatalogRow],
    access: AccessOccupations,
    *,
    where: str = "目录清单",
    checked: Iterable[CatalogRow] | None = None,
) -> None:
    """``InvalidRequest`` naming every row of ``rows`` (only those in ``checked``, if given)
    that is a 准入类 occupation, by its row number."""
    to_check = None if checked is None else set(checked)
    errors = []
    for number, row in enumerate(rows, start=1):
        if to_check is not None and row not in to_check:
            continue
        matched = access.matches(row)
        if matched is not None:
            errors.append(
                {
                    "field": f"rows[{number - 1}]",
                    "message": f"第{number}行：“{matched}”属于准入类职业资格，"
                    "不能纳入企业技能人才自主评价",
                }
            )
    if errors:
        raise InvalidRequest(
            f"{where}中有准入类职业资格，准入类职业资格不在企业自主评价范围内："
            + "；".join(error["message"] for error in errors),
            errors=errors,
        )
