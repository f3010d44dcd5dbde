"""A certificate: its printed contents, its issue records, and its lifecycle after issue.

Issued in bulk (the record's ``_id`` is the number); the first later change — revocation,
reissue after loss, correction by reissue — starts its lifecycle aggregate from that record.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest, NotPermitted
from skilleval_shared.envelope import EventData
from skilleval_shared.events.certification import (
    CertificateCorrected,
    CertificateIssuedV2,
    CertificateReissued,
    CertificateRevoked,
    CorrectableField,
)
from skilleval_shared.events.fields import NO_WORK_TYPE
from skilleval_shared.events.roster import RosterRow
from skilleval_shared.validation.id_number import IdType, validate_id
from skilleval_shared.validation.occupation import SkillLevel

KIND = "certificate"


class CertificateStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"


class IssueKind(StrEnum):
    ORIGINAL = "original"  # 首次发证
    REISSUE = "reissue"  # 遗失补发
    CORRECTION = "correction"  # 更正换发


class IssueRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: IssueKind
    issued_on: date
    remark: str = ""


class Certificate(BaseModel):
    model_config = ConfigDict(frozen=True)

    certificate_number: str
    institution_uscc: str
    institution_name: str
    roster_id: str
    holder_name: str
    id_type: IdType
    id_number: str
    occupation_code: str
    occupation_name: str
    work_type: str = NO_WORK_TYPE
    level: int
    issue_date: date
    holder_email: str | None = None
    row: RosterRow
    status: CertificateStatus = CertificateStatus.VALID
    revoked_on: date | None = None
    revoked_by: str | None = None
    revocation_reason: str | None = None
    issues: tuple[IssueRecord, ...] = ()

    @property
    def level_title(self) -> str:
        return SkillLevel(self.level).title

    @property
    def printed_on(self) -> date:
        """The date of the copy in the holder's hands: the latest issue record's."""
        return self.issues[-1].issued_on if self.issues else self.issue_date


def from_row(
    row: RosterRow, *, roster_id: str, institution_uscc: str, institution_name: str
) -> Certificate:
    """The certificate of a numbered roster row."""
    assert row.certificate_number is not None and row.issue_date is not None
    return Certificate(
        certificate_number=row.certificate_number,
        institution_uscc=institution_uscc,
        institution_name=institution_name,
        roster_id=roster_id,
        holder_name=row.name,
        id_type=row.id_type,
        id_number=row.id_number,
        occupation_code=row.occupation_code,
        occupation_name=row.occupation_name,
        work_type=row.work_type or NO_WORK_TYPE,
        level=row.level,
        issue_date=row.issue_date,
        holder_email=row.email,
        row=row,
        issues=(IssueRecord(kind=IssueKind.ORIGINAL, issued_on=row.issue_date),),
    )


def issue_record(certificate: Certificate) -> dict[str, Any]:
    """What is stored when a certificate is issued (``_id`` = number): its roster row, which
    carries the holder, occupation, level, number and date, and who issued it under which
    roster — all of ``from_row``'s inputs, so ``from_issue_record`` gives the same certificate.
    Not the row's fields a second time: a 10,000-row roster writes ~4 MB less."""
    return {
        "_id": certificate.certificate_number,
        "institution_uscc": certificate.institution_uscc,
        "institution_name": certificate.institution_name,
        "roster_id": certificate.roster_id,
        "row": certificate.row.model_dump(mode="json"),
    }


def from_issue_record(document: Mapping[str, Any]) -> Certificate:
    """The certificate as issued, from its stored record (also a record stored whole, as
    records were before ``issue_record``)."""
    if "holder_name" in document:
        return Certificate.model_validate(document)
    return from_row(
        RosterRow.model_validate(document["row"]),
        roster_id=document["roster_id"],
        institution_uscc=document["institution_uscc"],
        institution_name=document["institution_name"],
    )


def issued_event(certificate: Certificate) -> CertificateIssuedV2:
    """``certificate.issued`` version 2: the row carries the printed contents."""
    return CertificateIssuedV2(
        certificate_number=certificate.certificate_number,
        institution_uscc=certificate.institution_uscc,
        roster_id=certificate.roster_id,
        institution_name=certificate.institution_name,
        row=certificate.row,
    )


def _may_act(certificate: Certificate, *, actor_uscc: str | None, is_staff: bool) -> None:
    if not is_staff and actor_uscc != certificate.institution_uscc:
        raise NotPermitted("只有发证机构或鉴定中心可以办理该证书的业务")


def _valid(certificate: Certificate, action: str) -> None:
    if certificate.status is CertificateStatus.REVOKED:
        raise IllegalTransition(f"证书已注销，不能{action}")


def revoke(
    certificate: Certificate,
    *,
    by: str,
    actor_uscc: str | None,
    is_staff: bool,
    reason: str,
    on: date,
) -> tuple[Certificate, list[EventData]]:
    _may_act(certificate, actor_uscc=actor_uscc, is_staff=is_staff)
    _valid(certificate, "再次注销")
    event = CertificateRevoked(
        certificate_number=certificate.certificate_number,
        institution_uscc=certificate.institution_uscc,
        revoked_on=on,
        revoked_by=by,
        reason=reason,
    )
    update = {
        "status": CertificateStatus.REVOKED,
        "revoked_on": on,
        "revoked_by": by,
        "revocation_reason": reason,
    }
    return certificate.model_copy(update=update), [event]


def reissue(
    certificate: Certificate,
    *,
    actor_uscc: str | None,
    is_staff: bool,
    reason: str,
    on: date,
) -> tuple[Certificate, list[EventData]]:
    """补发: the same number, a new issue record with the reason as its remark."""
    _may_act(certificate, actor_uscc=actor_uscc, is_staff=is_staff)
    _valid(certificate, "补发")
    record = IssueRecord(kind=IssueKind.REISSUE, issued_on=on, remark=reason)
    changed = certificate.model_copy(update={"issues": (*certificate.issues, record)})
    event = CertificateReissued(
        certificate_number=certificate.certificate_number,
        institution_uscc=certificate.institution_uscc,
        reissued_on=on,
        reissue_count=len(changed.issues) - 1,
        reason=reason,
        holder_name=certificate.holder_name,
        holder_email=certificate.holder_email,
    )
    return changed, [event]


def correct(
    certificate: Certificate,
    *,
    actor_uscc: str | None,
    is_staff: bool,
    changes: Mapping[CorrectableField, Any],
    reason: str,
    on: date,
) -> tuple[Certificate, list[EventData]]:
    """更正: a wrong field corrected and the certificate reissued under the same number."""
    _may_act(certificate, actor_uscc=actor_uscc, is_staff=is_staff)
    _valid(certificate, "更正")
    changed_fields = {
        field: value
        for field, value in changes.items()
        if value != getattr(certificate, field.value)
    }
    if not changed_fields:
        raise InvalidRequest("更正内容与证书现有内容相同")
    update: dict[str, Any] = {field.value: value for field, value in changed_fields.items()}
    id_type = update.get("id_type", certificate.id_type)
    id_number = update.get("id_number", certificate.id_number)
    try:
        update["id_number"] = validate_id(id_type, id_number)
    except ValueError as error:
        raise InvalidRequest(
            str(error), errors=[{"field": "id_number", "message": str(error)}]
        ) from None
    if "work_type" in update and not update["work_type"]:
        update["work_type"] = NO_WORK_TYPE
    row_update = {
        "name": update.get("holder_name", certificate.holder_name),
        "id_type": id_type,
        "id_number": update["id_number"],
        "occupation_name": update.get("occupation_name", certificate.occupation_name),
        "work_type": None
        if update.get("work_type", certificate.work_type) == NO_WORK_TYPE
        else update.get("work_type", certificate.work_type),
        "email": update.get("holder_email", certificate.holder_email),
    }
    record = IssueRecord(kind=IssueKind.CORRECTION, issued_on=on, remark=reason)
    update |= {
        "issues": (*certificate.issues, record),
        "row": certificate.row.model_copy(update=row_update),
    }
    changed = certificate.model_copy(update=update)
    event = CertificateCorrected(
        certificate_number=certificate.certificate_number,
        institution_uscc=certificate.institution_uscc,
        corrected_on=on,
        reissue_count=len(changed.issues) - 1,
        reason=reason,
        corrected_fields=tuple(sorted(changed_fields, key=list(CorrectableField).index)),
        holder_name=changed.holder_name,
        id_type=changed.id_type,
        id_number=changed.id_number,
        occupation_name=changed.occupation_name,
        work_type=changed.work_type,
        holder_email=changed.holder_email,
    )
    return changed, [event]
