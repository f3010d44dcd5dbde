"""The public site in headless Chromium, on a phone-sized screen with JavaScript switched off:
a person types a number and a name and sees the masked result; a wrong name reads 未查询到;
a QR address reads 有效, then 已撤销 once the certificate is revoked."""

from __future__ import annotations

import asyncio
import shutil
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn

from skilleval_registry.bootstrap import build_app
from skilleval_registry.settings import RegistrySettings
from skilleval_shared import topics
from support.kafka import eventually, produce
from support.registry_samples import (
    ID_NUMBER,
    QrSigner,
    certificate_issued,
    certificate_revoked,
    event,
)

pytestmark = pytest.mark.integration

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ISSUED = certificate_issued(1)
NUMBER = ISSUED.certificate_number


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def site(make_settings, mongo) -> AsyncIterator[tuple[str, RegistrySettings]]:
    settings = make_settings("registry", RegistrySettings, lookups_per_minute=100_000)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(build_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    await eventually(lambda: server.started, timeout=60)
    yield f"http://127.0.0.1:{port}", settings
    server.should_exit = True
    await task


async def send(settings: RegistrySettings, *items) -> None:
    for data in items:
        await produce(
            settings.kafka_bootstrap_servers,
            settings.topic(topics.CERTIFICATION_EVENTS),
            event(data).to_json_bytes(),
            key=data.kafka_key().encode(),
        )


@pytest.mark.skipif(
    CHROMIUM is None, reason="未找到 chromium（Debian 软件包 chromium）：make setup 会安装"
)
async def test_a_person_looks_up_and_verifies_a_certificate_in_a_browser(site):
    from playwright.async_api import async_playwright

    base, settings = site
    signer = QrSigner()
    await send(settings, signer.published(), ISSUED)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        context = await browser.new_context(
            java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="zh-CN"
        )
        page = await context.new_page()

        async def look_up(name: str) -> str:
            await page.goto(base + "/")
            await page.fill("#certificate_number", NUMBER)
            await page.fill("#number_name", name)
            await page.click("#lookup-number")
            return await page.inner_text("#result")

        shown = await eventually(lambda: _containing(look_up("张三"), "1101**********002X"))
        assert "张*" in shown and "四级/中级工" in shown and "有效" in shown
        assert ID_NUMBER not in await page.content()
        for part in ("#result", "form"):  # fits the phone's width: nothing to scroll sideways
            box = await page.locator(part).first.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390

        assert "未查询到" in await look_up("李四")

        await page.goto(base + "/")
        await page.fill("#id_number", ID_NUMBER)
        await page.fill("#person_name", "张三")
        await page.click("#lookup-person")
        assert NUMBER in await page.inner_text("#result")

        address = f"{base}/verify?s={signer.token(ISSUED)}"
        await page.goto(address)
        assert await page.inner_text("#verdict") == "有效"

        await send(settings, certificate_revoked(NUMBER))

        async def revoked() -> bool:
            await page.goto(address)
            return await page.inner_text("#verdict") == "已撤销"

        await eventually(revoked)
        await browser.close()


async def _containing(awaitable, text: str) -> str | None:
    found = await awaitable
    return found if text in found else None
