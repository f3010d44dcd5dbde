"""The ten 附件2 materials as files: upload, replace, download, SHA-256, type and size limits,
and who may read them."""

from __future__ import annotations

import hashlib

import pytest

from skilleval_filing.filings.materials import MaterialKind
from skilleval_shared.auth import Role
from support.filing_flows import (
    create_draft,
    fill_draft,
    replica,
    upload,
    view,
)
from support.filing_samples import (
    jpeg,
    office_zip,
    ole2,
    pdf,
    png,
    sha256,
)
from support.samples import OTHER_USCC, USCC

pytestmark = pytest.mark.integration

PLAN = MaterialKind.WORK_PLAN
MATERIAL_URL = "/api/v1/filings/{}/materials/work_plan"


async def _material(client, headers, filing_id, kind=PLAN):
    return (await view(client, headers, filing_id))["materials"][kind.number - 1]["file"]


async def test_upload_records_the_digest_and_the_owner_and_staff_download_the_same_bytes(
    filing, enterprise_headers, staff_headers
):
    enterprise = await enterprise_headers(USCC)
    filing_id = await create_draft(filing, enterprise)
    content = pdf("工作方案")
    response = await upload(filing, enterprise, filing_id, PLAN, content, "工作方案（2026）.pdf")
    assert response.status_code == 200, response.text
    record = response.json()["file"]
    assert record["sha256"] == hashlib.sha256(content).hexdigest()
    assert record["size_bytes"] == len(content) and record["content_type"] == "application/pdf"
    assert record["filename"] == "工作方案（2026）.pdf"
    assert await _material(filing, enterprise, filing_id) == record

    for headers in (
        enterprise,
        await staff_headers(Role.CITY_CENTER),
        await staff_headers(Role.PROVINCE_CENTER),
    ):
        download = await filing.get(MATERIAL_URL.format(filing_id), headers=headers)
        assert download.status_code == 200
        assert download.content == content
        assert download.headers["content-type"] == "application/pdf"
        assert download.headers["etag"] == f'"{sha256(content)}"'
        assert "attachment" in download.headers["content-disposition"]
        assert download.headers["x-content-type-options"] == "nosniff"

    anonymous = await filing.get(MATERIAL_URL.format(filing_id))
    assert anonymous.status_code == 401


async def test_a_material_can_be_replaced_while_the_filing_is_editable_and_not_after(
    filing, enterprise_headers
):
    enterprise = await enterprise_headers(USCC)
    filing_id = await create_draft(filing, enterprise)
    contents = await fill_draft(filing, enterprise, filing_id, USCC)
    newer = pdf("工作方案 第二版")
    replaced = await upload(filing, enterprise, filing_id, PLAN, newer)
    assert replaced.status_code == 200
    assert (await _material(filing, enterprise, filing_id))["sha256"] == sha256(newer)
    download = await filing.get(MATERIAL_URL.format(filing_id), headers=enterprise)
    assert download.content == newer and sha256(newer) != sha256(contents[PLAN])

    submitted = await filing.post(f"/api/v1/filings/{filing_id}/submit", headers=enterprise)
    assert submitted.status_code == 200, submitted.text
    late = await upload(filing, enterprise, filing_id, PLAN, pdf("提交后又改"))
    assert late.status_code == 409
    assert late.headers["content-type"].startswith("application/problem+json")
    assert (await _material(filing, enterprise, filing_id))["sha256"] == sha256(newer)


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        (png(), "image/png"),
        (jpeg(), "image/jpeg"),
        (
            office_zip("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            office_zip("xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (ole2("WordDocument"), "application/msword"),
        (ole2("Workbook"), "application/vnd.ms-excel"),
    ],
)
async def test_every_accepted_type_is_recognised_by_its_content(
    filing, enterprise_headers, content, media_type
):
    enterprise = await enterprise_headers(USCC)
    filing_id = await create_draft(filing, enterprise)
    # The declared type is ignored: the bytes decide.
    response = await upload(
        filing, enterprise, filing_id, PLAN, content, "scan", "application/octet-stream"
    )
    assert response.status_code == 200, response.text
    assert response.json()["file"]["content_type"] == media_type


@pytest.mark.parametrize(
    ("content", "filename", "declared"),
    [
        (b"MZ\x90\x00" + bytes(200), "方案.pdf", "application/pdf"),
        (b"<html><script>alert(1)</script></html>", "方案.docx", "application/msword"),
        (office_zip("content.xml"), "方案.odt", "application/zip"),
        (ole2("PowerPoint Document"), "方案.ppt", "application/vnd.ms-powerpoint"),
        (b"GIF89a" + bytes(32), "方案.png", "image/png"),
    ],
)
async def test_a_file_of_another_type_is_415_whatever_it_claims_and_changes_nothing(
    filing, enterprise_headers, content, filename, declared
):
    enterprise = await enterprise_headers(USCC)
    filing_id = await create_draft(filing, enterprise)
    before = await view(filing, enterprise, filing_id)
    response = await upload(filing, enterprise, filing_id, PLAN, content, filename, declared)
    assert response.status_code == 415, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "PDF" in response.json()["detail"] and "DOCX" in response.json()["detail"]
    assert await view(filing, enterprise, filing_id) == before


async def test_size_limit_413_at_the_limit_plus_one_byte_declared_or_streamed(
    filing_settings, mongo, enterprise_headers, filing
):
    limit = 4096
    enterprise = await enterprise_headers(USCC)
    filing_id = await create_draft(filing, enterprise)
    async with replica(filing_settings, max_upload_bytes=limit) as small:
        exact = pdf("x") + b"0" * (limit - len(pdf("x")))
        assert len(exact) == limit
        accepted = await upload(small, enterprise, filing_id, PLAN, exact)
        assert accepted.status_code == 200, accepted.text
        over = await upload(small, enterprise, filing_id, PLAN, exact + b"1")
        assert over.status_code == 413, over.text
        assert "4 KB" in over.json()["detail"]

        huge = pdf("big") + b"0" * (limit * 8)
        declared = await upload(small, enterprise, filing_id, PLAN, huge)
        assert declared.status_code == 413

        boundary = "skilleval-boundary"
        body = _multipart(boundary, huge)

        async def chunks():  # no Content-Length: the limit must hold while streaming
            for start in range(0, len(body), 1000):
                yield body[start : start + 1000]

        streamed = await small.put(
            MATERIAL_URL.format(filing_id),
            headers=enterprise | {"content-type": f"multipart/form-data; boundary={boundary}"},
            content=chunks(),
        )
        assert streamed.status_code == 413, streamed.text
    assert (await _material(filing, enterprise, filing_id))["sha256"] == sha256(exact)


def _multipart(boundary: str, content: bytes, filename: str = "plan.pdf") -> bytes:
    return (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )


async def test_truncated_or_malformed_bodies_are_4xx_and_change_nothing(filing, enterprise_headers):
    enterprise = await enterprise_headers(USCC)
    filing_id = await create_draft(filing, enterprise)
    before = await view(filing, enterprise, filing_id)
    boundary = "skilleval-boundary"
    whole = _multipart(boundary, pdf("完整的文件") + bytes(2000))
    multipart = {"content-type": f"multipart/form-data; boundary={boundary}"}
    url = MATERIAL_URL.format(filing_id)
    for body in (whole[: len(whole) // 2], whole[:40], b"--not-the-boundary\r\n\r\n"):
        response = await filing.put(url, headers=enterprise | multipart, content=body)
        assert response.status_code in (400, 422), response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    no_boundary = await filing.put(
        url, headers=enterprise | {"content-type": "multipart/form-data"}, content=whole
    )
    assert no_boundary.status_code == 400
    as_json = await filing.put(url, headers=enterprise, json={"file": "JVBERi0xLjcK"})
    assert as_json.status_code == 415
    empty = await upload(filing, enterprise, filing_id, PLAN, b"")
    assert empty.status_code == 422
    assert await view(filing, enterprise, filing_id) == before
    # The same complete body is accepted: the refusals above were about the damage.
    assert (await filing.put(url, headers=enterprise | multipart, content=whole)).status_code == 200


async def test_another_enterprise_can_neither_read_nor_change_the_materials(
    filing, enterprise_headers
):
    owner = await enterprise_headers(USCC)
    other = await enterprise_headers(OTHER_USCC)
    filing_id = await create_draft(filing, owner)
    await upload(filing, owner, filing_id, PLAN, pdf("机密"))
    before = await view(filing, owner, filing_id)

    assert (await filing.get(MATERIAL_URL.format(filing_id), headers=other)).status_code == 403
    assert (await filing.get(f"/api/v1/filings/{filing_id}", headers=other)).status_code == 403
    replaced = await upload(filing, other, filing_id, PLAN, pdf("冒名顶替"))
    assert replaced.status_code == 403
    # Its own filing id does not lend access to files of the other one's.
    own_id = await create_draft(filing, other)
    missing = await filing.get(MATERIAL_URL.format(own_id), headers=other)
    assert missing.status_code == 404
    assert await view(filing, owner, filing_id) == before
