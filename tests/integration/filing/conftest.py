from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from skilleval_filing.accounts import service as accounts
from skilleval_filing.bootstrap import build_app
from skilleval_filing.filings.lifecycle import Actor
from skilleval_filing.settings import FilingSettings
from skilleval_shared.auth import Role
from support.apps import serve_in_process
from support.filing_samples import ENTERPRISE_PASSWORD, registration

STAFF_PASSWORD = "staff-password-123"


@pytest.fixture
def filing_settings(make_settings, jwt_keys) -> FilingSettings:
    settings: FilingSettings = make_settings(
        "filing",
        FilingSettings,
        jwt_private_key_file=Path(jwt_keys["JWT_PRIVATE_KEY_FILE"]),
        jwt_public_key_file=Path(jwt_keys["JWT_PUBLIC_KEY_FILE"]),
        public_writes_per_minute=10_000,
        auth_attempts_per_minute=10_000,
        notice_check_seconds=0.3,
    )
    return settings


@pytest.fixture
async def filing(filing_settings, mongo) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(filing_settings)
    async with serve_in_process(app) as client:
        client.app = app  # type: ignore[attr-defined]
        yield client


async def login(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    response = await client.post(
        "/api/v1/auth/token", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def staff_headers(filing) -> Callable[[Role], Any]:
    """Create a staff account of ``role`` (through the CLI's function) and log it in."""

    async def make(role: Role, username: str | None = None) -> dict[str, str]:
        name = username or f"{role.value}-user"
        repository: accounts.AccountRepository = filing.app.state.filing.accounts
        if await repository.load(f"staff:{name}") is None:
            await accounts.create_staff(
                accounts=repository,
                username=name,
                role=Actor(role.value),
                name="王审核",
                password=STAFF_PASSWORD,
            )
        return await login(filing, name, STAFF_PASSWORD)

    return make


@pytest.fixture
def enterprise_headers(filing) -> Callable[[str], Any]:
    async def make(uscc: str) -> dict[str, str]:
        response = await filing.post("/api/v1/enterprises", json=registration(uscc))
        assert response.status_code in (201, 409), response.text
        return await login(filing, uscc, ENTERPRISE_PASSWORD)

    return make
