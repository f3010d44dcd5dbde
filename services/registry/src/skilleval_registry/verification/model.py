"""The verdict on a certificate's QR code: the signature first, then what the talent database
holds about the certificate it names."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from skilleval_registry.talent.model import Status, normalised_name

# Claims compared with the record when the QR carries them (named as in CertificateIssued).
CHECKED_CLAIMS = (
    "holder_name",
    "id_type",
    "occupation_code",
    "occupation_name",
    "work_type",
    "level",
    "issue_date",
    "institution_uscc",
)


class Verdict(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    FORGED = "forged"
    UNKNOWN = "unknown"  # correctly signed, but not (yet) in the talent database

    @property
    def label(self) -> str:
        return {
            "valid": "有效",
            "revoked": "已撤销",
            "forged": "伪造（验证未通过）",
            "unknown": "签名有效，人才库尚未收录",
        }[self.value]

    @property
    def explanation(self) -> str:
        return {
            "valid": "二维码签名验证通过，证书信息与人才库记录一致。",
            "revoked": "二维码签名验证通过，但该证书已被撤销，不再有效。",
            "forged": "二维码签名无效或内容与人才库记录不符，该证书不可信。",
            "unknown": "二维码签名验证通过，但人才库中暂无该证书，请稍后再查询。",
        }[self.value]


def _same(claim: Any, held: Any, name: str) -> bool:
    if name == "holder_name" and isinstance(claim, str) and isinstance(held, str):
        return normalised_name(claim) == normalised_name(held)
    return str(claim) == str(held)


def judge(claims: dict[str, Any], record: dict[str, Any] | None) -> Verdict:
    """The verdict for signed ``claims`` (the signature already checked) against ``record``."""
    if record is None:
        return Verdict.UNKNOWN
    for name in CHECKED_CLAIMS:
        if name in claims and not _same(claims[name], record.get(name), name):
            return Verdict.FORGED
    if record.get("status") == Status.REVOKED.value:
        return Verdict.REVOKED
    return Verdict.VALID
