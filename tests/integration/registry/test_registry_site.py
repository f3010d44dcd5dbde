"""The public site without a browser: QR verification, the lookup forms, the rate limit."""

from __future__ import annotations

import pytest

from skilleval_registry.bootstrap import build_app
from skilleval_registry.settings import RegistrySettings
from skilleval_shared import topics
from support.apps import serve_in_process
from support.kafka import eventually, produce
from support.registry_samples import (
    ID_NUMBER,
    QrSigner,
    certificate_issued,
    certificate_revoked,
    event,
)

pytestmark = pytest.mark.integration

ISSUED = certificate_issued(1)


async def send(settings, *items) -> None:
    for data in items:
        await produce(
            settings.kafka_bootstrap_servers,
            settings.topic(topics.CERTIFICATION_EVENTS),
            event(data).to_json_bytes(),
            key=data.kafka_key().encode(),
        )


async def verdict(client, token: str) -> str:
    response = await client.get("/api/v1/public/verify", params={"s": token})
    assert response.status_code == 200, response.text
    return response.json()["verdict"]


async def test_a_qr_address_is_valid_then_revoked_and_a_forgery_is_told(make_settings, mongo):
    settings = make_settings("registry", RegistrySettings, lookups_per_minute=100_000)
    signer, stranger = QrSigner(), QrSigner("qr-2026-1")
    token = signer.token(ISSUED)
    async with serve_in_process(build_app(settings)) as client:
        await send(settings, signer.published(), ISSUED)
        await eventually(lambda: _is(verdict(client, token), "valid"))
        page = await client.get("/verify", params={"s": token})
        assert "有效" in page.text and "1101**********002X" in page.text
        certifications_address = await client.get(
            "/public/certificates/verify", params={"s": token}
        )
        assert certifications_address.text == page.text
        assert ID_NUMBER not in page.text

        assert await verdict(client, stranger.token(ISSUED)) == "forged"  # same kid, other key
        assert await verdict(client, signer.token(ISSUED, h="李四")) == "forged"
        assert await verdict(client, signer.token(ISSUED, i="A" * 22)) == "forged"  # ID digest
        assert await verdict(client, token[:-4] + "AAAA") == "forged"
        assert await verdict(client, "not-a-jws") == "forged"
        forged_page = await client.get("/verify", params={"s": stranger.token(ISSUED)})
        assert "伪造" in forged_page.text and "张*" not in forged_page.text

        await send(settings, certificate_revoked(ISSUED.certificate_number))
        await eventually(lambda: _is(verdict(client, token), "revoked"))
        assert "已撤销" in (await client.get("/verify", params={"s": token})).text


async def _is(awaitable, expected) -> bool:
    return await awaitable == expected


async def test_the_forms_answer_masked_results_or_not_found(make_settings, mongo):
    settings = make_settings("registry", RegistrySettings, lookups_per_minute=100_000)
    async with serve_in_process(build_app(settings)) as client:
        home = await client.get("/")
        assert home.status_code == 200 and "按证书编号查询" in home.text
        await send(settings, ISSUED)
        number = ISSUED.certificate_number

        async def shown() -> bool:
            response = await client.post(
                "/lookup/number", data={"certificate_number": number, "name": "张三"}
            )
            return "1101**********002X" in response.text

        await eventually(shown)
        by_person = await client.post(
            "/lookup/person", data={"id_number": ID_NUMBER, "name": "张三"}
        )
        assert number in by_person.text and ID_NUMBER not in by_person.text
        wrong = await client.post(
            "/lookup/number", data={"certificate_number": number, "name": "李四"}
        )
        assert "未查询到" in wrong.text and "1101" not in wrong.text
        malformed = await client.post(
            "/lookup/number", data={"certificate_number": "X1", "name": "张三"}
        )
        assert malformed.status_code == 422 and "证书编号应为" in malformed.text


async def test_lookups_are_limited_per_client_with_a_clear_message(make_settings, mongo):
    settings = make_settings("registry", RegistrySettings, lookups_per_minute=2)
    number = ISSUED.certificate_number
    async with serve_in_process(build_app(settings)) as client:
        for _ in range(2):
            response = await client.post(
                "/lookup/number", data={"certificate_number": number, "name": "张三"}
            )
            assert response.status_code == 200
        refused = await client.post(
            "/lookup/number", data={"certificate_number": number, "name": "张三"}
        )
        assert refused.status_code == 429 and "查询过于频繁" in refused.text
        assert int(refused.headers["Retry-After"]) > 0
        api = await client.get(f"/api/v1/public/certificates/{number}", params={"name": "张三"})
        assert api.status_code == 429
        assert api.headers["content-type"].startswith("application/problem+json")
        assert "秒后再试" in api.json()["detail"]


async def test_pages_are_limited_like_the_public_reads(make_settings, mongo):
    settings = make_settings("registry", RegistrySettings, public_reads_per_minute=3)
    async with serve_in_process(build_app(settings)) as client:
        answers = [(await client.get(path)).status_code for path in ("/", "/institutions", "/")]
        assert answers == [200, 200, 200]
        refused = await client.get("/statistics")
        assert refused.status_code == 429 and "查询过于频繁" in refused.text


async def test_the_pages_document_their_429_page(make_settings, mongo):
    # Found by `make fuzz`: the pages answered an undocumented 429 (a page, not a problem).
    settings = make_settings("registry", RegistrySettings, public_reads_per_minute=1)
    async with serve_in_process(build_app(settings)) as client:
        paths = (await client.get("/openapi.json")).json()["paths"]
        for page in ("/verify", "/public/certificates/verify", "/institutions", "/statistics"):
            assert set(paths[page]["get"]["responses"]["429"]["content"]) == {"text/html"}, page
        await client.get("/statistics")
        refused = await client.get("/statistics")
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("text/html")
