"""What a trustee sends to file an entrusted-evaluation agreement, and what a reviewer sends."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from skilleval_filing.entrustments.model import MAX_SCOPE_ROWS, EntrustmentAgreement, ScopeRow
from skilleval_shared.fields import ShortText
from skilleval_shared.problems import field_errors, validation
from skilleval_shared.validation import USCC

PROVISIONAL_FILE_ID = "pending-upload"


class AgreementTerms(BaseModel):
    """The ``agreement`` part of the upload form (JSON); the trustee is the caller."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    client_uscc: USCC = Field(title="委托方统一社会信用代码")
    client_name: ShortText = Field(title="委托方名称")
    scope: tuple[ScopeRow, ...] = Field(
        min_length=1, max_length=MAX_SCOPE_ROWS, title="委托评价职业（工种）范围"
    )
    valid_from: date = Field(title="协议有效期起")
    valid_until: date = Field(title="协议有效期止")


class RejectForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, title="不予通过的理由")


def parse_terms(raw: str) -> AgreementTerms:
    try:
        return AgreementTerms.model_validate_json(raw)
    except ValidationError as error:
        errors = field_errors(error.errors())
        for item in errors:
            item["field"] = "agreement" if item["field"] == "body" else f"agreement.{item['field']}"
        raise validation(errors=errors) from None


def agreement_of(terms: AgreementTerms, trustee_uscc: str, sha256: str) -> EntrustmentAgreement:
    fields = terms.model_dump() | {
        "trustee_uscc": trustee_uscc,
        "agreement_file_id": PROVISIONAL_FILE_ID,
        "agreement_sha256": sha256,
    }
    try:
        return EntrustmentAgreement.model_validate(fields)
    except ValidationError as error:
        raise validation(errors=field_errors(error.errors())) from None
