"""The QR verdict once the signature holds: revoked, superseded, forged or valid."""

from __future__ import annotations

from skilleval_registry.talent import model
from skilleval_registry.verification.model import Verdict, id_digest, judge
from support.registry_samples import (
    certificate_corrected,
    certificate_issued,
    certificate_revoked,
)

ISSUED = certificate_issued(1)
NUMBER = ISSUED.certificate_number
RECORD = model.issued({}, ISSUED) | {"_id": NUMBER}
CLAIMS = {
    "n": NUMBER,
    "h": "张三",
    "i": id_digest(NUMBER, ISSUED.id_number),
    "o": "6-18-01-01",
    "w": "数控车工",
    "l": 4,
    "d": "2026-03-02",
    "u": ISSUED.institution_uscc,
    "c": 1,
}


def test_matching_claims_are_valid_and_any_difference_is_forged() -> None:
    assert judge(CLAIMS, RECORD) is Verdict.VALID
    for claim, value in (("h", "李四"), ("l", 3), ("i", "A" * 22), ("u", "x")):
        assert judge(CLAIMS | {claim: value}, RECORD) is Verdict.FORGED, claim


def test_a_revoked_certificate_reads_revoked_and_unknown_numbers_unknown() -> None:
    revoked = model.revoked(RECORD, certificate_revoked(NUMBER))
    assert judge(CLAIMS, revoked) is Verdict.REVOKED
    assert judge(CLAIMS, None) is Verdict.UNKNOWN


def test_the_paper_a_correction_replaced_reads_superseded_and_the_new_one_valid() -> None:
    corrected = model.corrected(RECORD, certificate_corrected(NUMBER, 1, name="张三丰"))
    assert judge(CLAIMS, corrected) is Verdict.SUPERSEDED
    new_paper = CLAIMS | {"h": "张三丰", "c": 2}
    assert judge(new_paper, corrected) is Verdict.VALID
    assert Verdict.SUPERSEDED.label.startswith("已补发")
