"""A roster with good and bad rows, through real Kafka and the real database: validated,
reviewed twice, numbered and issued; the PDF read back by another library, its QR decoded and
verified offline; revocation and reissue."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from skilleval_certification.signing import cli
from skilleval_certification.signing.model import SignatureInvalid, verify
from skilleval_shared.auth import Role
from skilleval_shared.events.certification import CertificateIssuedV2
from support import certification_samples as s
from support.kafka import eventually, read_until
from support.publish import send

pytestmark = pytest.mark.integration


async def status(client, roster_id, headers):
    response = await client.get(f"/api/v1/rosters/{roster_id}", headers=headers)
    return response.json() if response.status_code == 200 else {}


async def test_a_roster_from_chunks_to_signed_certificates(
    certification, certification_settings, tokens, tmp_path
) -> None:
    settings = certification_settings
    enterprise, city, province = (
        tokens(Role.ENTERPRISE),
        tokens(Role.CITY_CENTER),
        tokens(Role.PROVINCE_CENTER),
    )
    plan_id, roster_id = s.unique("plan"), s.unique("roster")
    good = [s.row(seq) for seq in range(1, 5)]
    bad_checksum = s.row(
        5, id_number=s.id_number(5)[:17] + ("0" if s.id_number(5)[17] != "0" else "1")
    )
    failed_exam = s.row(6)
    duplicate = s.row(7, n=1)
    rows = [*good, bad_checksum, failed_exam, duplicate]
    await send(
        settings,
        s.filed(),
        s.plan_submitted(plan_id),
        s.plan_accepted(plan_id),
        *(s.result(plan_id, r) for r in good),
        s.result(plan_id, failed_exam, passed=False),
    )
    # the projections are in before the roster comes (on another topic)
    await eventually(
        lambda: certification.app.state.certification.rosters.evaluations.plan(plan_id), timeout=30
    )
    await eventually(
        lambda: certification.app.state.certification.rosters.institutions.get(s.USCC), timeout=30
    )
    chunks, header = s.roster_events(roster_id, plan_id, rows, size=3)
    await send(settings, *chunks, header)

    validated = await eventually(
        lambda: _status_is(certification, roster_id, enterprise, "validated"), timeout=60
    )
    assert (validated["passed_count"], validated["failed_count"]) == (4, 3)
    problems = (
        await certification.get(f"/api/v1/rosters/{roster_id}/problems", headers=enterprise)
    ).json()
    by_seq = {}
    for p in problems["problems"]:
        by_seq.setdefault(p["seq"], []).append(p["message"])
    assert any("校验位" in m for m in by_seq[5])
    assert any("不合格" in m for m in by_seq[6])
    assert any("与第1行重复" in m for m in by_seq[7])
    assert problems["failed_count"] == 3 and sorted(by_seq) == [5, 6, 7]
    # the stored outcome is the failing rows only; the numbering reads rows from the chunks
    stored = await certification.app.state.certification.rosters.checked.read(roster_id)
    assert sorted(item["row"]["seq"] for item in stored) == [5, 6, 7]

    # an enterprise cannot review; another enterprise cannot see the roster
    assert (
        await certification.post(
            f"/api/v1/rosters/{roster_id}/city-review", json={"approve": True}, headers=enterprise
        )
    ).status_code == 403
    other = tokens(Role.ENTERPRISE, uscc=s.OTHER_USCC)
    assert (
        await certification.get(f"/api/v1/rosters/{roster_id}", headers=other)
    ).status_code == 404
    # province before city is refused with a problem in Chinese
    early = await certification.post(
        f"/api/v1/rosters/{roster_id}/province-review", json={"approve": True}, headers=province
    )
    assert early.status_code == 409 and early.headers["content-type"].startswith(
        "application/problem+json"
    )

    reviewed = await certification.post(
        f"/api/v1/rosters/{roster_id}/city-review",
        json={"approve": True, "rejected_rows": [{"seq": 4, "remark": "工作年限证明不足"}]},
        headers=city,
    )
    assert reviewed.json()["status"] == "city_approved", reviewed.text
    reviewed = await certification.post(
        f"/api/v1/rosters/{roster_id}/province-review", json={"approve": True}, headers=province
    )
    assert reviewed.json()["status"] == "numbering", reviewed.text

    issued = await eventually(
        lambda: _status_is(certification, roster_id, enterprise, "issued"), timeout=60
    )
    assert issued["certificate_count"] == 3
    issue_date = date.fromisoformat(issued["issue_date"])
    records = certification.app.state.certification.certificates.records
    found = {doc["row"]["seq"]: doc["_id"] async for doc in records.find({"roster_id": roster_id})}
    assert sorted(found) == [1, 2, 3]
    for seq, number in found.items():
        assert len(number) == 22
        assert number[0] == "Y" and number[1:5] == "0000" and number[5:7] == "37"
        assert number[7:13] == s.SERIAL
        assert number[13:15] == f"{issue_date.year % 100:02d}"
        assert number[15] == "4"
        assert number[16:] == f"{seq:06d}"  # first roster of this institution, year and level

    events = await read_until(
        settings.kafka_bootstrap_servers,
        settings.topic("certification.events.v1"),
        lambda records: (
            sum(r.json()["type"] == CertificateIssuedV2.event_type() for r in records) >= 3
        ),
    )
    issued_events = [r for r in events if r.json()["type"] == CertificateIssuedV2.event_type()]
    assert sorted(r.key.decode() for r in issued_events) == sorted(found.values())

    # the PDF, read back by pypdf (reportlab wrote it), with the holder's photo
    number = found[1]
    photo = io.BytesIO()
    Image.new("RGB", (350, 450), (200, 30, 30)).save(photo, format="JPEG")
    stored = await certification.put(
        f"/api/v1/certificates/{number}/photo", content=photo.getvalue(), headers=enterprise
    )
    assert stored.status_code == 200, stored.text
    refused = await certification.put(
        f"/api/v1/certificates/{number}/photo", content=b"not an image", headers=enterprise
    )
    assert refused.status_code in (400, 422)
    response = await certification.get(f"/api/v1/certificates/{number}/pdf", headers=enterprise)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    text = page.extract_text()
    assert good[0].name in text and number in text
    assert "四级/中级工" in text and "职业技能等级证书" in text
    qr_images = [Image.open(io.BytesIO(image.data)) for image in page.images]
    assert len(qr_images) == 2  # the photo and the QR code
    decoded = [b.text for img in qr_images for b in zxingcpp.read_barcodes(img)]
    assert decoded, "no QR code found in the PDF"
    payload = decoded[0]
    assert payload.startswith(settings.certificate_verification_url)

    jwks = (await certification.get("/.well-known/certificate-jwks.json")).json()
    claims = verify(payload, jwks)
    assert claims["n"] == number and claims["h"] == good[0].name
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(json.dumps(jwks))
    assert cli.main(["--jwks", str(jwks_file), payload]) == 0
    token = payload.split("s=", 1)[1]
    head, body, signature = token.split(".")
    tampered = ".".join(
        [head, body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:], signature]
    )
    with pytest.raises(SignatureInvalid):
        verify(tampered, jwks)
    assert cli.main(["--jwks", str(jwks_file), tampered]) == 1

    checked = (
        await certification.get("/api/v1/public/certificates/verification", params={"s": token})
    ).json()
    assert checked["signature_valid"] and checked["status"] == "valid"

    # reissue after loss: same number, a new issue record
    again = await certification.post(
        f"/api/v1/certificates/{number}/reissue", json={"reason": "遗失补发"}, headers=enterprise
    )
    assert again.status_code == 200, again.text
    assert again.json()["certificate_number"] == number
    assert [i["kind"] for i in again.json()["issues"]] == ["original", "reissue"]

    # revocation by a centre: the certificate then verifies as revoked
    revoked = await certification.post(
        f"/api/v1/certificates/{found[2]}/revocation", json={"reason": "考核舞弊"}, headers=city
    )
    assert revoked.json()["status"] == "revoked", revoked.text
    response = await certification.get(f"/api/v1/certificates/{found[2]}/pdf", headers=enterprise)
    qr = next(
        b.text
        for img in PdfReader(io.BytesIO(response.content)).pages[0].images
        for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(img.data)))
    )
    checked = (
        await certification.get(
            "/api/v1/public/certificates/verification", params={"s": qr.split("s=", 1)[1]}
        )
    ).json()
    assert checked["status"] == "revoked" and "注销" in checked["message"]

    archive = await certification.get(
        f"/api/v1/rosters/{roster_id}/certificates.zip", headers=enterprise
    )
    assert archive.status_code == 200 and archive.content[:2] == b"PK"


async def _status_is(client, roster_id, headers, wanted):
    found = await status(client, roster_id, headers)
    return found if found.get("status") == wanted else None
