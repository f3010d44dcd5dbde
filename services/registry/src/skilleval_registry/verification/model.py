"""The verdict on a certificate's QR code: the signature first, then what the talent database
holds about the certificate it names."""

from __future__ import annotations

import base64
import hashlib
from enum import StrEnum
from typing import Any

from skilleval_registry.talent.model import Status, normalised_name

# The QR's signed claims (certification's short names, to keep the code small) and the
# talent record's field each must equal; ``i`` is a digest of the ID number, never the number.
CHECKED_CLAIMS = {
    "h": "holder_name",
    "o": "occupation_code",
    "w": "work_type",
    "l": "level",
    "d": "issue_date",
    "u": "institution_uscc",
}
NUMBER_CLAIM = "n"
ID_DIGEST_CLAIM = "i"
ISSUE_COUNT_CLAIM = "c"  # 1 for the first issue, n + 1 after the n-th reissue
TOKEN_TYPE = "skilleval-cert+jws"


def id_digest(certificate_number: str, id_number: str) -> str:
    """The ID number as the QR carries it: salted with the certificate number, truncated."""
    digest = hashlib.sha256(f"{certificate_number}|{id_number}".encode()).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class Verdict(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    FORGED = "forged"
    UNKNOWN = "unknown"  # correctly signed, but not (yet) in the talent database
    SUPERSEDED = "superseded"  # a genuine earlier issue, replaced by a reissue

    @property
    def label(self) -> str:
        return {
            "valid": "有效",
            "revoked": "已撤销",
            "forged": "伪造（验证未通过）",
            "unknown": "签名有效，人才库尚未收录",
            "superseded": "已补发（此为被替代的旧证书）",
        }[self.value]

    @property
    def explanation(self) -> str:
        return {
            "valid": "二维码签名验证通过，证书信息与人才库记录一致。",
            "revoked": "二维码签名验证通过，但该证书已被撤销，不再有效。",
            "forged": "二维码签名无效或内容与人才库记录不符，该证书不可信。",
            "unknown": "二维码签名验证通过，但人才库中暂无该证书，请稍后再查询。",
            "superseded": "二维码签名验证通过，但该证书已补发，此纸质证书已被新证书替代。",
        }[self.value]


def _same(claim: Any, held: Any, field: str) -> bool:
    if field == "holder_name" and isinstance(claim, str) and isinstance(held, str):
        return normalised_name(claim) == normalised_name(held)
    return str(claim) == str(held)


def judge(claims: dict[str, Any], record: dict[str, Any] | None) -> Verdict:
    """The verdict for signed ``claims`` (the signature already checked) against ``record``."""
    if record is None:
        return Verdict.UNKNOWN
    if record.get("status") == Status.REVOKED.value:
        return Verdict.REVOKED
    issue = claims.get(ISSUE_COUNT_CLAIM)
    if isinstance(issue, int) and issue < record.get("reissue_count", 0) + 1:
        return Verdict.SUPERSEDED  # signed, so genuine: its details may predate a correction
    for claim, field in CHECKED_CLAIMS.items():
        if claim in claims and not _same(claims[claim], record.get(field), field):
            return Verdict.FORGED
    digest = claims.get(ID_DIGEST_CLAIM)
    if digest is not None and digest != id_digest(record["_id"], record.get("id_number", "")):
        return Verdict.FORGED
    return Verdict.VALID
