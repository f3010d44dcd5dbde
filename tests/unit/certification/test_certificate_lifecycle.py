from __future__ import annotations

from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skilleval_certification.certificates.model import (
    CertificateStatus,
    IssueKind,
    correct,
    from_issue_record,
    from_row,
    issue_record,
    issued_event,
    reissue,
    revoke,
)
from skilleval_certification.signing.model import (
    SignatureInvalid,
    core_claims,
    jwk,
    qr_payload,
    sign,
    verify,
)
from skilleval_shared.domain_errors import IllegalTransition, NotPermitted
from skilleval_shared.events.certification import CorrectableField
from support.certification_samples import OTHER_USCC, USCC, row

NUMBER = "Y000037000123264000001"


def a_certificate():
    numbered = row(1, work_type=None).model_copy(
        update={"certificate_number": NUMBER, "issue_date": date(2026, 3, 20)}
    )
    return from_row(numbered, roster_id="r1", institution_uscc=USCC, institution_name="示例")


def test_issued_certificate_prints_dashes_for_no_work_type() -> None:
    certificate = a_certificate()
    assert certificate.work_type == "--"
    assert certificate.level_title == "四级/中级工"
    assert issued_event(certificate).row.certificate_number == NUMBER


def test_the_issue_record_gives_back_the_certificate_as_issued() -> None:
    certificate = a_certificate()
    record = issue_record(certificate)
    assert record["_id"] == NUMBER and "holder_name" not in record  # the row's fields once
    assert from_issue_record(record) == certificate
    # a record stored whole, as before issue records, reads the same
    whole = {"_id": NUMBER, **certificate.model_dump(mode="json")}
    assert from_issue_record(whole) == certificate


def test_revocation_by_the_issuer_or_a_centre_only() -> None:
    certificate = a_certificate()
    with pytest.raises(NotPermitted):
        revoke(
            certificate,
            by="x",
            actor_uscc=OTHER_USCC,
            is_staff=False,
            reason="舞弊",
            on=date(2026, 5, 1),
        )
    revoked, events = revoke(
        certificate,
        by="staff-1",
        actor_uscc=None,
        is_staff=True,
        reason="考核舞弊",
        on=date(2026, 5, 1),
    )
    assert revoked.status is CertificateStatus.REVOKED
    assert events[0].reason == "考核舞弊"
    with pytest.raises(IllegalTransition):
        reissue(revoked, actor_uscc=USCC, is_staff=False, reason="遗失", on=date(2026, 6, 1))


def test_reissue_keeps_the_number_and_adds_an_issue_record() -> None:
    again, events = reissue(
        a_certificate(), actor_uscc=USCC, is_staff=False, reason="遗失补发", on=date(2026, 6, 1)
    )
    assert again.certificate_number == NUMBER
    assert [r.kind for r in again.issues] == [IssueKind.ORIGINAL, IssueKind.REISSUE]
    assert again.issues[-1].remark == "遗失补发"
    assert events[0].reissue_count == 1


def test_correction_changes_the_field_and_the_row() -> None:
    fixed, events = correct(
        a_certificate(),
        actor_uscc=USCC,
        is_staff=False,
        changes={CorrectableField.HOLDER_NAME: "张三丰"},
        reason="姓名录入错误",
        on=date(2026, 6, 2),
    )
    assert fixed.holder_name == fixed.row.name == "张三丰"
    assert events[0].corrected_fields == (CorrectableField.HOLDER_NAME,)
    assert fixed.issues[-1].kind is IssueKind.CORRECTION


def claims():
    c = a_certificate()
    return core_claims(
        certificate_number=c.certificate_number,
        holder_name=c.holder_name,
        id_number=c.id_number,
        occupation_code=c.occupation_code,
        work_type=c.work_type,
        level=c.level,
        issue_date=c.issue_date.isoformat(),
        institution_uscc=c.institution_uscc,
        issue_count=1,
    )


def test_signature_verifies_with_the_key_set_and_fails_when_tampered() -> None:
    key = Ed25519PrivateKey.generate()
    keys = {"keys": [jwk(key.public_key())]}
    payload = qr_payload("https://zscx.example.cn/verify", sign(claims(), key))
    assert verify(payload, keys)["n"] == NUMBER
    token = payload.split("s=")[1]
    header, body, signature = token.split(".")
    forged_body = body[:-2] + ("AA" if body[-2:] != "AA" else "BB")
    with pytest.raises(SignatureInvalid):
        verify(".".join([header, forged_body, signature]), keys)
    other = {"keys": [jwk(Ed25519PrivateKey.generate().public_key())]}
    with pytest.raises(SignatureInvalid):
        verify(payload, other)
