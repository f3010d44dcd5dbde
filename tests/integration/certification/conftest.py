from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from skilleval_certification.bootstrap import build_app
from skilleval_certification.settings import CertificationSettings
from skilleval_shared.auth import Principal, Role, TokenIssuer
from support.apps import serve_in_process
from support.certification_samples import USCC


@pytest.fixture
def certification_settings(make_settings, jwt_keys) -> CertificationSettings:
    settings: CertificationSettings = make_settings(
        "certification",
        CertificationSettings,
        jwt_public_key_file=Path(jwt_keys["JWT_PUBLIC_KEY_FILE"]),
    )
    return settings


@pytest.fixture
async def certification(certification_settings, mongo) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(certification_settings)
    async with serve_in_process(app) as client:
        client.app = app  # type: ignore[attr-defined]
        yield client


@pytest.fixture
def tokens(jwt_keys) -> Any:
    issuer = TokenIssuer(Path(jwt_keys["JWT_PRIVATE_KEY_FILE"]).read_text(), "skilleval-filing")

    def headers(role: Role, uscc: str | None = None, subject: str | None = None) -> dict[str, str]:
        if role is Role.ENTERPRISE:
            uscc = uscc or USCC
        principal = Principal(
            subject=subject or uscc or f"staff:{role.value}", role=role, uscc=uscc, name="测试"
        )
        return {"Authorization": f"Bearer {issuer.issue(principal)}"}

    return headers
