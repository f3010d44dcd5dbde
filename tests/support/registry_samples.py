"""Sample data for the registry's tests and benchmark: certificates, people, signing keys."""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from skilleval_shared.envelope import CloudEvent, EventData, wrap
from skilleval_shared.events.certification import (
    CertificateCorrected,
    CertificateIssued,
    CertificateIssuedV2,
    CertificateReissued,
    CertificateRevoked,
    CorrectableField,
    SigningKeyPublished,
)
from skilleval_shared.events.fields import Gender
from skilleval_shared.events.filing import CatalogChanged
from skilleval_shared.events.roster import RosterRow
from skilleval_shared.validation import resident_id_check_char
from skilleval_shared.validation.id_number import IdType
from support.filing_samples import FILED_CATALOG_ROW as CATALOG_ROW
from support.samples import USCC

INSTITUTION = "青岛示例机械有限公司"
ISSUED_ON = date(2026, 3, 2)
HOLDER = "张三"
ID_NUMBER = "11010519491231002X"


def id_number(n: int) -> str:
    """The ``n``-th valid resident ID number of a series (Huangdao district, born 1990)."""
    first17 = f"370211{19900101 + n // 1000:08d}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def certificate_number(serial: int, level: int = 4, year: int = 2026) -> str:
    return f"Y000037000123{year % 100:02d}{level}{serial:06d}"


def certificate_issued(
    serial: int = 1,
    *,
    name: str = HOLDER,
    id_no: str = ID_NUMBER,
    level: int = 4,
    issue_date: date = ISSUED_ON,
    uscc: str = USCC,
    occupation: tuple[str, str, str] = ("6-18-01-01", "车工", "数控车工"),
) -> CertificateIssued:
    number = certificate_number(serial, level, issue_date.year)
    code, occupation_name, work_type = occupation
    row = RosterRow(
        seq=serial % 1_000_000 or 1,
        institution_code="000123",
        institution_name=INSTITUTION,
        name=name,
        id_type=IdType.RESIDENT_ID,
        id_number=id_no,
        gender=Gender.FEMALE,
        birth_date=date(1990, 1, 1),
        phone="13800000000",
        email="zhangsan@example.com",
        is_employee=True,
        employer=INSTITUTION,
        years_in_occupation=8,
        post="数控车床操作",
        hire_date=date(2018, 1, 1),
        occupation_code=code,
        occupation_name=occupation_name,
        work_type=work_type,
        level=level,
        certificate_number=number,
        issue_date=issue_date,
    )
    return CertificateIssued(
        certificate_number=number,
        institution_uscc=uscc,
        roster_id="roster-1",
        institution_name=INSTITUTION,
        holder_name=name,
        id_type=IdType.RESIDENT_ID,
        id_number=id_no,
        occupation_code=code,
        occupation_name=occupation_name,
        work_type=work_type,
        level=level,
        issue_date=issue_date,
        holder_email="zhangsan@example.com",
        row=row,
    )


def version_2(issued: CertificateIssued) -> CertificateIssuedV2:
    """The same issue as certification publishes it since version 2 (the row carries the rest)."""
    return CertificateIssuedV2(
        certificate_number=issued.certificate_number,
        institution_uscc=issued.institution_uscc,
        roster_id=issued.roster_id,
        institution_name=issued.institution_name,
        row=issued.row,
    )


def certificate_revoked(number: str, uscc: str = USCC) -> CertificateRevoked:
    return CertificateRevoked(
        certificate_number=number,
        institution_uscc=uscc,
        revoked_on=date(2026, 5, 1),
        revoked_by="staff-1",
        reason="考核舞弊",
    )


def certificate_reissued(number: str, count: int = 1, name: str = HOLDER) -> CertificateReissued:
    return CertificateReissued(
        certificate_number=number,
        institution_uscc=USCC,
        reissued_on=date(2026, 6, 1),
        reissue_count=count,
        reason="遗失补发",
        holder_name=name,
    )


def catalog_changed(version: int = 2, uscc: str = USCC) -> CatalogChanged:
    return CatalogChanged.model_validate(
        {
            "uscc": uscc,
            "filing_id": f"F-{uscc}",
            "change_id": f"change-{version}",
            "catalog_version": version,
            "catalog": [
                CATALOG_ROW,
                {
                    "occupation_name": "焊工",
                    "occupation_code": "6-18-02-04",
                    "work_type": None,
                    "levels": [5, 4],
                    "standard": "国家标准",
                },
            ],
        }
    )


def event(data: EventData, sequence: int | None = None) -> CloudEvent[Any]:
    wrapped = wrap(data)
    return wrapped.model_copy(update={"sequence": str(sequence)}) if sequence else wrapped


class QrSigner:
    """Stands in for certification: a signing key, its published event, QR tokens in
    certification's format (short claim names, ``typ`` skilleval-cert+jws)."""

    def __init__(self, key_id: str = "qr-2026-1") -> None:
        self.key_id = key_id
        self.private_key = Ed25519PrivateKey.generate()

    def published(self, url: str = "http://127.0.0.1:8004/verify") -> SigningKeyPublished:
        raw = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return SigningKeyPublished(
            key_id=self.key_id,
            algorithm="EdDSA",
            curve="Ed25519",
            public_key=base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
            verification_url=url,
        )

    def token(self, issued: CertificateIssued, **changes: Any) -> str:
        number = issued.certificate_number
        digest = hashlib.sha256(f"{number}|{issued.id_number}".encode()).digest()[:16]
        claims = {
            "n": number,
            "h": issued.holder_name,
            "i": base64.urlsafe_b64encode(digest).rstrip(b"=").decode(),
            "o": issued.occupation_code,
            "w": issued.work_type,
            "l": issued.level,
            "d": issued.issue_date.isoformat(),
            "u": issued.institution_uscc,
            "c": 1,
        } | changes
        return jwt.encode(
            claims,
            self.private_key,
            algorithm="EdDSA",
            headers={"kid": self.key_id, "typ": "skilleval-cert+jws"},
        )


def uscc_in(division: str, serial: str = "MA00000") -> str:
    """A valid USCC registered in ``division`` (6 digits), e.g. 370211 黄岛区."""
    from skilleval_shared.validation import uscc_check_char

    first17 = f"91{division}{serial}{'0' * (9 - len(serial))}"[:17]
    return first17 + uscc_check_char(first17)


def certificate_corrected(
    number: str, count: int = 1, *, name: str = HOLDER, id_no: str = ID_NUMBER
) -> CertificateCorrected:
    return CertificateCorrected(
        certificate_number=number,
        institution_uscc=USCC,
        corrected_on=date(2026, 6, 2),
        reissue_count=count,
        reason="证件号码录入错误",
        corrected_fields=(CorrectableField.ID_NUMBER,),
        holder_name=name,
        id_type=IdType.RESIDENT_ID,
        id_number=id_no,
        occupation_name="车工",
        work_type="数控车工",
    )


def staff_headers(jwt_keys: dict[str, str]) -> dict[str, str]:
    """A city-centre staff member's bearer token, signed with the test key pair."""
    from pathlib import Path

    from skilleval_shared.auth import Principal, Role, TokenIssuer

    issuer = TokenIssuer(Path(jwt_keys["JWT_PRIVATE_KEY_FILE"]).read_text(), "skilleval-filing")
    token = issuer.issue(Principal(subject="staff-1", role=Role.CITY_CENTER, name="王"))
    return {"Authorization": f"Bearer {token}"}
