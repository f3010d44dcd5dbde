"""Public read endpoints are rate-limited per client address; the rest of the API is not."""

from __future__ import annotations

import pytest

from skilleval_registry.bootstrap import build_app
from skilleval_registry.settings import RegistrySettings
from support.apps import serve_in_process

pytestmark = pytest.mark.integration


async def test_public_reads_beyond_the_limit_get_a_429_problem(make_settings, mongo):
    settings = make_settings("registry", RegistrySettings, public_reads_per_minute=3)
    async with serve_in_process(build_app(settings)) as client:
        answers = [(await client.get("/api/v1/public/institutions")).status_code for _ in range(3)]
        assert answers == [200, 200, 200]
        refused = await client.get("/api/v1/public/institutions")
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert int(refused.headers["retry-after"]) >= 1
        assert "秒后再试" in refused.json()["detail"]
        # Operations endpoints are not public API and stay reachable.
        health = [(await client.get("/healthz")).status_code for _ in range(5)]
        assert health == [200] * 5
