"""Field types and small value objects shared by the event catalog.

Only shape checks live here (patterns, lengths, ranges): a message on the wire is a fact some
service already validated, so consumers must not reject it for a rule that may change later.
Every string has a maximum length so that the worst-case size of each message is bounded.
Enum values printed on the official forms are the forms' own Chinese words; internal states are
lowercase English.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints

# No control characters in single-line text; multi-line text may also hold tab, CR and LF.
_SINGLE_LINE = r"^[^\x00-\x1f\x7f]+$"
_MULTI_LINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+$"

_USCC_CHAR = "[0-9A-HJ-NPQRTUWXY]"

Uscc = Annotated[
    str, StringConstraints(pattern=rf"^{_USCC_CHAR}{{2}}[0-9]{{6}}{_USCC_CHAR}{{10}}$")
]
OccupationCode = Annotated[str, StringConstraints(pattern=r"^[1-8]-[0-9]{2}-[0-9]{2}-[0-9]{2}$")]
CertificateNumber = Annotated[str, StringConstraints(pattern=r"^[YS][0-9]{21}$")]
# Positions 2–5, 6–7 and 8–13 of a certificate number.
InstitutionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
ProvinceCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
InstitutionSerial = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
# Identifiers minted by our services (UUIDs, receipt numbers, staff account ids).
Identifier = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z:._/-]{0,63}$")]
IdNumber = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z()-]{5,30}$")]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9-]{4,23}$")]
Email = Annotated[
    str, StringConstraints(pattern=r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]{1,189}$")
]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]

Name = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_SINGLE_LINE)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=_SINGLE_LINE)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=_SINGLE_LINE)]
Clause = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=_MULTI_LINE)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=_MULTI_LINE)]

Level = Annotated[int, Field(ge=1, le=5)]


def _lowest_level_first(levels: frozenset[int]) -> list[int]:
    return sorted(levels, reverse=True)


# Serialised lowest level first ("5、4、3" order), so equal sets give equal JSON.
LevelSet = Annotated[
    frozenset[Level],
    Field(min_length=1, max_length=5),
    PlainSerializer(_lowest_level_first, when_used="json"),
]
Score = Annotated[float, Field(ge=0, le=100)]
Count = Annotated[int, Field(ge=0)]

NO_WORK_TYPE = "--"
MAX_CATALOG_ENTRIES = 150
MAX_REMARKS = 100


class Gender(StrEnum):
    MALE = "男"
    FEMALE = "女"


class Standard(StrEnum):
    NATIONAL = "国家标准"
    INDUSTRY = "行业标准"
    ENTERPRISE = "企业标准"


class InstitutionCategory(StrEnum):
    """Position 1 of a certificate number."""

    EMPLOYER = "Y"
    SOCIAL_ORGANISATION = "S"


class Value(BaseModel):
    """A nested value object: immutable and closed, like the events that carry it."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class LevelTier(Value):
    """An enterprise's own tier (a sub-tier, 特级技师, 首席技师) and its national level."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=20, pattern=_SINGLE_LINE)]
    national_level: Level


class CatalogEntry(Value):
    """One row of the 附表 catalog: an occupation (and 工种) with the levels evaluated."""

    occupation_code: OccupationCode
    occupation_name: Label
    work_type: Label | None = None
    levels: LevelSet
    standard: Standard
    tiers: tuple[LevelTier, ...] = Field(default=(), max_length=3)


Catalog = Annotated[tuple[CatalogEntry, ...], Field(min_length=1, max_length=MAX_CATALOG_ENTRIES)]


class Remark(Value):
    """One itemised review remark; ``item`` names its object, e.g. ``material:4``, ``row:17``."""

    item: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_SINGLE_LINE)]
    text: Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=_MULTI_LINE)]


Remarks = Annotated[tuple[Remark, ...], Field(min_length=1, max_length=MAX_REMARKS)]
OptionalRemarks = Annotated[tuple[Remark, ...], Field(max_length=MAX_REMARKS)]
