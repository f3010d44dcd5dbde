"""Events of the certification service: roster validation, city and province review,
certificate numbering and issuance, revocation and reissue.

Roster-level events are keyed by the issuing institution's USCC; certificate events by the
certificate number. ``NumberingRequested`` travels on certification's own numbering topic, keyed
by institution, whose single consumer per partition serializes the numbering of an institution.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar, Self

from pydantic import Field, model_validator

from skilleval_shared import topics
from skilleval_shared.envelope import EventData
from skilleval_shared.events.fields import (
    NO_WORK_TYPE,
    CertificateNumber,
    Clause,
    Count,
    Email,
    Identifier,
    IdNumber,
    InstitutionCategory,
    InstitutionCode,
    InstitutionSerial,
    Label,
    Level,
    LongText,
    Name,
    OccupationCode,
    OptionalRemarks,
    ProvinceCode,
    Remarks,
    ShortText,
    Uscc,
    Value,
)
from skilleval_shared.events.roster import RosterRow
from skilleval_shared.validation.contact import validate_email
from skilleval_shared.validation.id_number import IdType
from skilleval_shared.validation.occupation import SkillLevel

MAX_ROW_ERRORS = 200
MAX_REJECTED_ROWS = 20_000  # 序号 of up to 6 digits: about 140 KB, under the message limit


class CertificationEvent(EventData):
    service: ClassVar[str] = "certification"
    topic: ClassVar[str] = topics.CERTIFICATION_EVENTS


class RosterEvent(CertificationEvent):
    aggregate: ClassVar[str] = "roster"
    key_field: ClassVar[str] = "institution_uscc"
    subject_field: ClassVar[str] = "roster_id"

    roster_id: Identifier
    institution_uscc: Uscc


class RowError(Value):
    """A problem with one roster row; ``column`` is a ``RosterRow`` field name, or ``*``."""

    seq: int = Field(ge=1)
    column: str = Field(pattern=r"^(\*|[a-z_]{1,32})$")
    message: Clause


class RosterValidated(RosterEvent):
    """The roster was checked row by row; only the first ``MAX_ROW_ERRORS`` errors are listed."""

    action: ClassVar[str] = "validated"

    ok: bool
    row_count: int = Field(ge=1)
    error_count: Count
    errors: tuple[RowError, ...] = Field(default=(), max_length=MAX_ROW_ERRORS)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.ok != (self.error_count == 0):
            raise ValueError("ok must be true exactly when there are no errors")
        if not min(self.error_count, 1) <= len(self.errors) <= self.error_count:
            raise ValueError("errors must list between 1 and error_count errors")
        return self


class _RosterReview(RosterEvent):
    reviewed_by: Identifier


class RosterCityApproved(_RosterReview):
    """First review (市职业技能鉴定中心) passed; the roster goes to the province centre."""

    action: ClassVar[str] = "city-approved"

    remarks: OptionalRemarks = ()


class RosterCityRejected(_RosterReview):
    action: ClassVar[str] = "city-rejected"

    remarks: Remarks


class RosterProvinceApproved(_RosterReview):
    """Second review (省职业技能鉴定指导中心) passed; certificates may be issued."""

    action: ClassVar[str] = "province-approved"

    remarks: OptionalRemarks = ()


class RosterProvinceRejected(_RosterReview):
    action: ClassVar[str] = "province-rejected"

    remarks: Remarks


class ReviewStage(StrEnum):
    CITY = "city"  # 市职业技能鉴定中心
    PROVINCE = "province"  # 省职业技能鉴定指导中心


class RosterRowsRejected(_RosterReview):
    """Single rows a centre refused while approving the rest; they are never numbered."""

    action: ClassVar[str] = "rows-rejected"

    stage: ReviewStage
    seqs: tuple[int, ...] = Field(min_length=1, max_length=MAX_REJECTED_ROWS)
    remarks: Remarks

    @model_validator(mode="after")
    def _each_row_once(self) -> Self:
        if len(set(self.seqs)) != len(self.seqs) or min(self.seqs) < 1:
            raise ValueError("each rejected row is named once, by its 序号")
        return self


class NumberingRequested(RosterEvent):
    """Order to number and issue the certificates of an approved roster.

    Carries the fixed part of the numbers (positions 1–13) and the issue date (positions 14–15).
    """

    topic: ClassVar[str] = topics.CERTIFICATION_NUMBERING
    aggregate: ClassVar[str] = "numbering"
    action: ClassVar[str] = "requested"

    institution_name: ShortText
    institution_category: InstitutionCategory = InstitutionCategory.EMPLOYER
    institution_code: InstitutionCode = "0000"
    province_code: ProvinceCode = "37"
    institution_serial: InstitutionSerial
    issue_date: date
    row_count: int = Field(ge=1)


class RosterIssued(RosterEvent):
    """Every certificate of the roster has been issued."""

    action: ClassVar[str] = "issued"

    certificate_count: int = Field(ge=1)
    issue_date: date


class CorrectableField(StrEnum):
    HOLDER_NAME = "holder_name"
    ID_TYPE = "id_type"
    ID_NUMBER = "id_number"
    OCCUPATION_NAME = "occupation_name"
    WORK_TYPE = "work_type"
    HOLDER_EMAIL = "holder_email"


class CertificateEvent(CertificationEvent):
    aggregate: ClassVar[str] = "certificate"
    key_field: ClassVar[str] = "certificate_number"
    subject_field: ClassVar[str] = "certificate_number"

    certificate_number: CertificateNumber
    institution_uscc: Uscc


class CertificateIssued(CertificateEvent):
    """The certificate's printed contents, and its completed roster row for the talent database."""

    action: ClassVar[str] = "issued"

    roster_id: Identifier
    institution_name: ShortText
    holder_name: Name
    id_type: IdType
    id_number: IdNumber
    occupation_code: OccupationCode
    occupation_name: Label
    work_type: Label = NO_WORK_TYPE  # as printed: "--" when the occupation has no 工种
    level: Level
    issue_date: date
    holder_email: Email | None = None
    row: RosterRow

    @property
    def level_title(self) -> str:
        return SkillLevel(self.level).title

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        number = self.certificate_number
        if number[13:15] != f"{self.issue_date.year % 100:02d}" or number[15] != str(self.level):
            raise ValueError("certificate number does not match issue year and level")
        row = self.row
        if (row.certificate_number, row.issue_date) != (number, self.issue_date):
            raise ValueError("roster row must carry this certificate number and issue date")
        if (row.id_number, row.level, row.occupation_code) != (
            self.id_number,
            self.level,
            self.occupation_code,
        ):
            raise ValueError("roster row belongs to another person, occupation or level")
        return self


class CertificateIssuedV2(CertificateEvent):
    """The certificate issued, as its completed roster row (the holder, the occupation and
    工种, the level, the number and the issue date are the row's) and who issued it.

    Version 2 of ``certificate.issued``: version 1 repeats ten of the row's fields beside it,
    a quarter of every issue's bytes. The same names read the same values here, as properties.
    """

    action: ClassVar[str] = "issued"
    version: ClassVar[int] = 2

    roster_id: Identifier
    institution_name: ShortText
    row: RosterRow

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        row, number = self.row, self.certificate_number
        if row.certificate_number != number or row.issue_date is None:
            raise ValueError("roster row must carry this certificate number and an issue date")
        if number[13:15] != f"{row.issue_date.year % 100:02d}" or number[15] != str(row.level):
            raise ValueError("certificate number does not match issue year and level")
        if row.email is not None:
            validate_email(row.email)  # the holder is written to there, as in version 1
        return self

    @property
    def holder_name(self) -> str:
        return self.row.name

    @property
    def id_type(self) -> IdType:
        return self.row.id_type

    @property
    def id_number(self) -> str:
        return self.row.id_number

    @property
    def occupation_code(self) -> str:
        return self.row.occupation_code

    @property
    def occupation_name(self) -> str:
        return self.row.occupation_name

    @property
    def work_type(self) -> str:
        """As printed: "--" when the occupation has no 工种."""
        return self.row.work_type or NO_WORK_TYPE

    @property
    def level(self) -> int:
        return self.row.level

    @property
    def issue_date(self) -> date:
        assert self.row.issue_date is not None  # checked above
        return self.row.issue_date

    @property
    def holder_email(self) -> str | None:
        """The row's address, normalised (as version 1 carries it)."""
        return validate_email(self.row.email) if self.row.email is not None else None

    @property
    def level_title(self) -> str:
        return SkillLevel(self.level).title


# Either version of certificate.issued, for consumers (``isinstance``, ``case``).
CERTIFICATE_ISSUED = (CertificateIssued, CertificateIssuedV2)
AnyCertificateIssued = CertificateIssued | CertificateIssuedV2


class CertificateRevoked(CertificateEvent):
    action: ClassVar[str] = "revoked"

    revoked_on: date
    revoked_by: Identifier
    reason: LongText


class CertificateReissued(CertificateEvent):
    """A replacement (e.g. after loss) under the same number."""

    action: ClassVar[str] = "reissued"

    reissued_on: date
    reissue_count: int = Field(ge=1)
    reason: Clause
    holder_name: Name
    holder_email: Email | None = None


class CertificateCorrected(CertificateEvent):
    """A wrong field corrected by reissue under the same number; carries the printed contents
    after the correction (fields not corrected are repeated as they were)."""

    action: ClassVar[str] = "corrected"

    corrected_on: date
    reissue_count: int = Field(ge=1)
    reason: Clause
    corrected_fields: tuple[CorrectableField, ...] = Field(min_length=1, max_length=6)
    holder_name: Name
    id_type: IdType
    id_number: IdNumber
    occupation_name: Label
    work_type: Label = NO_WORK_TYPE
    holder_email: Email | None = None


class SigningKeyPublished(CertificationEvent):
    """The public key that verifies certificate QR signatures, as a JWK set (RFC 8037), so the
    registry and anyone else verify offline, without calling this service."""

    aggregate: ClassVar[str] = "signing-key"
    action: ClassVar[str] = "published"
    key_field: ClassVar[str] = "key_id"
    subject_field: ClassVar[str] = "key_id"

    key_id: Identifier
    algorithm: str = Field(pattern=r"^EdDSA$")
    curve: str = Field(pattern=r"^Ed25519$")
    public_key: str = Field(pattern=r"^[A-Za-z0-9_-]{43}$")  # base64url of the raw 32 bytes
    verification_url: str = Field(max_length=500, pattern=r"^https?://[^\s]+$")
