"""Identifiers every service's tests share. Each service's sample data lives in its own module
(filing's in ``support.filing_samples``)."""

from __future__ import annotations

from skilleval_shared.validation import uscc_check_char


def qingdao_uscc(n: int, district: str = "11") -> str:
    """A valid USCC registered in Qingdao (division 3702xx, here 370211 黄岛区 by default):
    only enterprises registered within the city may file with its centre."""
    first17 = f"913702{district}MA{n:07d}"
    return first17 + uscc_check_char(first17)


USCC = qingdao_uscc(1)
OTHER_USCC = qingdao_uscc(2)
# Registered outside Qingdao (福州): refused by the filing service.
ELSEWHERE_USCC = "91350100M000100Y43"
