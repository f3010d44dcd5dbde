"""Validators for the identifiers of the domain, and pydantic types built from them.

Models write ``uscc: USCC`` or ``levels: LevelSet``; a failing validator raises ``ValueError``
with a Chinese message, which pydantic reports as a ``value_error`` and the problem handlers
pass on to the client unchanged.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, PlainSerializer

from skilleval_shared.validation.contact import (
    mask_email,
    mask_name,
    mask_phone,
    validate_email,
    validate_landline,
    validate_mobile,
    validate_phone,
)
from skilleval_shared.validation.id_number import (
    IdType,
    birth_date_of,
    mask_id_number,
    resident_id_check_char,
    sex_of,
    validate_id,
    validate_other_id,
    validate_resident_id,
)
from skilleval_shared.validation.occupation import (
    SkillLevel,
    format_levels,
    parse_levels,
    validate_occupation_code,
)
from skilleval_shared.validation.uscc import division_code_of, uscc_check_char, validate_uscc

USCC = Annotated[str, AfterValidator(validate_uscc)]
ResidentIdNumber = Annotated[str, AfterValidator(validate_resident_id)]
OccupationCode = Annotated[str, AfterValidator(validate_occupation_code)]
Phone = Annotated[str, AfterValidator(validate_phone)]
Mobile = Annotated[str, AfterValidator(validate_mobile)]
Landline = Annotated[str, AfterValidator(validate_landline)]
Email = Annotated[str, AfterValidator(validate_email)]
# A before-validator, because the input is often the catalog's text form ("5、4、3") and
# duplicates must be seen before they collapse into a set. Serialised lowest level first.
LevelSet = Annotated[
    frozenset[SkillLevel],
    BeforeValidator(parse_levels),
    PlainSerializer(lambda levels: sorted(levels, reverse=True), when_used="json"),
]

__all__ = [
    "USCC",
    "Email",
    "IdType",
    "Landline",
    "LevelSet",
    "Mobile",
    "OccupationCode",
    "Phone",
    "ResidentIdNumber",
    "SkillLevel",
    "birth_date_of",
    "division_code_of",
    "format_levels",
    "mask_email",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "parse_levels",
    "resident_id_check_char",
    "sex_of",
    "uscc_check_char",
    "validate_email",
    "validate_id",
    "validate_landline",
    "validate_mobile",
    "validate_occupation_code",
    "validate_other_id",
    "validate_phone",
    "validate_resident_id",
    "validate_uscc",
]
