"""The candidate's photo and the evidence of 破格 and 直接认定 over HTTP: uploaded with the type
judged from the bytes and the size limited, referred to by SHA-256, downloaded by the owning
enterprise and by staff, and hidden from any other enterprise."""

from __future__ import annotations

import hashlib

import pytest

from skilleval_shared.auth import Role
from support.assessment_samples import CLIENT_USCC, USCC, candidate, on_file, plan_body

pytestmark = pytest.mark.integration
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"award " * 50_000  # over one 255 KB chunk


async def test_photo_and_evidence_uploads(assessment, headers, publish_filing) -> None:
    await on_file(assessment, publish_filing, "filed")
    enterprise = headers(Role.ENTERPRISE, USCC)
    created = await assessment.post("/api/v1/plans", json=plan_body(), headers=enterprise)
    base = f"/api/v1/plans/{created.json()['plan_id']}"

    def upload(purpose: str, content: bytes, name: str = "file.bin") -> object:
        return assessment.post(
            f"{base}/files/{purpose}", files={"file": (name, content)}, headers=enterprise
        )

    photo = await upload("photo", PNG, "证件照.png")
    assert photo.status_code == 201, photo.text
    assert photo.json()["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert photo.json()["content_type"] == "image/png"
    assert (await upload("photo", PNG)).json() == photo.json()  # idempotent
    assert (await upload("photo", PDF, "x.png")).status_code == 415  # a PDF is no photo
    assert (await upload("photo", b"\xff\xd8\xff" + b"0" * (3 * 1024 * 1024))).status_code == 413
    assert (await upload("evidence", b"MZ\x90\x00 not a document")).status_code == 415
    proof = await upload("evidence", PDF, "获奖证书.pdf")
    assert proof.status_code == 201, proof.text

    missing = await assessment.post(
        f"{base}/candidates", json=candidate(1, photo_sha256="ab" * 32), headers=enterprise
    )
    assert missing.status_code == 422
    assert "照片未上传" in missing.json()["errors"][0]["message"]
    registered = await assessment.post(
        f"{base}/candidates",
        json=candidate(
            1,
            photo_sha256=photo.json()["sha256"],
            years_in_occupation=1,
            condition_id="x-4",
            ground="市级竞赛第二名",
            evidence_sha256=proof.json()["sha256"],
        ),
        headers=enterprise,
    )
    assert registered.status_code == 201, registered.text
    assert registered.json()["eligibility"]["evidence_sha256"] == proof.json()["sha256"]

    for who in (enterprise, headers(Role.CITY_CENTER)):
        downloaded = await assessment.get(f"{base}/files/{proof.json()['sha256']}", headers=who)
        assert downloaded.status_code == 200
        assert downloaded.content == PDF
        assert downloaded.headers["content-type"] == "application/pdf"
        assert downloaded.headers["etag"] == f'"{proof.json()["sha256"]}"'
    other = headers(Role.ENTERPRISE, CLIENT_USCC)
    hidden = await assessment.get(f"{base}/files/{proof.json()['sha256']}", headers=other)
    assert hidden.status_code == 404
