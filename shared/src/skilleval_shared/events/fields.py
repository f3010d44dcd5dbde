"""Field types and small value objects shared by the event catalog.

Text, phone and email types are the ones every model uses (``skilleval_shared.fields``), so a
request that passes its form always fits its event. Identifiers minted elsewhere are checked
for shape only (patterns, lengths, ranges).
Every string has a maximum length so that the worst-case size of each message is bounded.
Enum values printed on the official forms are the forms' own Chinese words; internal states are
lowercase English.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints

from skilleval_shared.fields import (
    Clause,
    Email,
    Label,
    LongText,
    Name,
    Phone,
    RemarkItem,
    RemarkText,
    ShortText,
    TierName,
)

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
# A roster row's contact details as the enterprise wrote them (foreign numbers included);
# certification checks the roster row by row and reports each bad cell, so the wire only bounds
# their shape. Contacts our own forms collect are ``Phone`` and ``Email``.
RosterPhone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9-]{4,23}$")]
RosterEmail = Annotated[
    str, StringConstraints(pattern=r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]{1,189}$")
]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


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

    name: TierName
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

    item: RemarkItem
    text: RemarkText


Remarks = Annotated[tuple[Remark, ...], Field(min_length=1, max_length=MAX_REMARKS)]
OptionalRemarks = Annotated[tuple[Remark, ...], Field(max_length=MAX_REMARKS)]

__all__ = [
    "Clause",
    "Email",
    "Label",
    "LongText",
    "Name",
    "Phone",
    "ShortText",
]
