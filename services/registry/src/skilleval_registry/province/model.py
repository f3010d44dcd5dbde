"""The province simulator's rule: which records it rejects, and why. Decided by the certificate
number alone, so a test (or an operator) can tell in advance, and a resend gets the same answer."""

from __future__ import annotations

import hashlib

REJECTION_REASON = "证件号码与全省人口信息库比对不一致"


def rejects(certificate_number: str, reject_percent: int) -> bool:
    digest = hashlib.sha256(certificate_number.encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < reject_percent
