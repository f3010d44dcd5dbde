"""One row of the roster 附件3 (职业技能等级认定人员名册), and how rows are split into messages.

The same 21 columns are the enterprise's upload, the rows reviewed by the centres and the export
to the provincial talent database; ``ROSTER_COLUMNS`` keeps their official order and titles.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Annotated, TypeVar

from pydantic import Field, StringConstraints

from skilleval_shared.events.fields import (
    CertificateNumber,
    Gender,
    IdNumber,
    Label,
    Level,
    Name,
    OccupationCode,
    RosterEmail,
    RosterPhone,
    ShortText,
    Value,
)
from skilleval_shared.validation.id_number import IdType

InstitutionRosterCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z-]{1,32}$")]


class RosterRow(Value):
    """附件3 columns, in order. 证书编号 and 发证日期 are empty until certificates are issued."""

    seq: int = Field(ge=1, le=1_000_000)  # 序号
    institution_code: InstitutionRosterCode  # 评价机构编码
    institution_name: ShortText  # 评价机构名称
    name: Name  # 姓名
    id_type: IdType  # 证件类型
    id_number: IdNumber  # 证件号
    gender: Gender  # 性别
    birth_date: date  # 出生日期
    phone: RosterPhone  # 联系电话
    email: RosterEmail | None = None  # 电子邮箱
    is_employee: bool  # 是否本企业职工
    employer: ShortText  # 所在单位
    years_in_occupation: int = Field(ge=0, le=80)  # 从事本职业(工种)时间, whole years
    post: ShortText  # 所在岗位
    hire_date: date  # 入职时间
    occupation_code: OccupationCode  # 职业编码
    occupation_name: Label  # 职业名称
    work_type: Label | None = None  # 工种名称
    level: Level  # 职业技能等级
    certificate_number: CertificateNumber | None = None  # 证书编号
    issue_date: date | None = None  # 发证日期


ROSTER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("seq", "序号"),
    ("institution_code", "评价机构编码"),
    ("institution_name", "评价机构名称"),
    ("name", "姓名"),
    ("id_type", "证件类型"),
    ("id_number", "证件号"),
    ("gender", "性别"),
    ("birth_date", "出生日期"),
    ("phone", "联系电话"),
    ("email", "电子邮箱"),
    ("is_employee", "是否本企业职工"),
    ("employer", "所在单位"),
    ("years_in_occupation", "从事本职业(工种)时间"),
    ("post", "所在岗位"),
    ("hire_date", "入职时间"),
    ("occupation_code", "职业编码"),
    ("occupation_name", "职业名称"),
    ("work_type", "工种名称"),
    ("level", "职业技能等级"),
    ("certificate_number", "证书编号"),
    ("issue_date", "发证日期"),
)

# A chunk of this many rows of the largest size the schema allows (about 3.3 KB each) still
# serialises, inside its envelope, under the 256 KB message limit with a sixth to spare (proved
# by the unit tests); a typical row is about 550 bytes. A 10,000-row roster is one header and
# 157 chunk messages.
ROWS_PER_CHUNK = 64
MAX_MESSAGE_BYTES = 256 * 1024

RowT = TypeVar("RowT")


def chunk_rows(rows: Sequence[RowT], size: int = ROWS_PER_CHUNK) -> Iterator[Sequence[RowT]]:
    """Consecutive slices of at most ``size`` rows; ``chunk_count`` is ``ceil(len(rows)/size)``."""
    if size < 1:
        raise ValueError("chunk size must be positive")
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def chunk_count(row_count: int, size: int = ROWS_PER_CHUNK) -> int:
    return -(-row_count // size)
