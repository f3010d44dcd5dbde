from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from skilleval_shared.fields import Clause, Email, Label, LongText, Name
from skilleval_shared.validation.id_number import IdType


class RevocationForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: LongText


class ReissueForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Clause = Field(description="补发原因，例如“遗失补发”")


class CorrectionForm(BaseModel):
    """Only the fields to correct; the rest stay as printed."""

    model_config = ConfigDict(extra="forbid")

    reason: Clause
    holder_name: Name | None = None
    id_type: IdType | None = None
    id_number: str | None = Field(default=None, max_length=30)
    occupation_name: Label | None = None
    work_type: Label | None = None
    holder_email: Email | None = None


class IssueRecordView(BaseModel):
    kind: str
    issued_on: str
    remark: str


class CertificateView(BaseModel):
    certificate_number: str
    institution_uscc: str
    institution_name: str
    roster_id: str
    holder_name: str
    id_type: str
    id_number: str
    occupation_code: str
    occupation_name: str
    work_type: str
    level: int
    level_title: str
    issue_date: str
    status: str
    revocation_reason: str | None = None
    issues: list[IssueRecordView]


class VerificationView(BaseModel):
    signature_valid: bool
    status: str | None
    message: str
    certificate_number: str | None = None
    holder_name: str | None = None
    level_title: str | None = None


class PhotoStored(BaseModel):
    certificate_number: str
    sha256: str
