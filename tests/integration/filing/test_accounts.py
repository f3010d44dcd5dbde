"""Enterprise registration, login, JWKS and the staff CLI against the real database and Kafka."""

from __future__ import annotations

import subprocess
import sys

import jwt
import pytest

from integration.filing.conftest import login
from skilleval_shared import topics
from skilleval_shared.auth import Role
from support.filing_samples import ENTERPRISE_PASSWORD, registration
from support.kafka import read_until
from support.samples import OTHER_USCC, USCC

pytestmark = pytest.mark.integration


async def test_enterprise_registers_once_per_uscc_and_logs_in(filing, filing_settings):
    created = await filing.post("/api/v1/enterprises", json=registration(USCC))
    assert created.status_code == 201
    again = await filing.post("/api/v1/enterprises", json=registration(USCC, "另一家公司"))
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["title"] and "已注册" in again.json()["detail"]

    headers = await login(filing, USCC, ENTERPRISE_PASSWORD)
    me = (await filing.get("/api/v1/me", headers=headers)).json()
    assert me["role"] == "enterprise" and me["uscc"] == USCC
    assert me["name"] == "青岛示例机械有限公司"  # the second registration changed nothing

    records = await read_until(
        filing_settings.kafka_bootstrap_servers,
        filing_settings.topic(topics.FILING_EVENTS),
        lambda got: len(got) >= 1,
    )
    # The relay delivers at least once: a redelivery carries the same event id.
    records = list({r.json()["id"]: r for r in records}.values())
    assert [r.json()["type"] for r in records] == ["cn.skilleval.filing.enterprise.registered.v1"]
    assert "password" not in records[0].value.decode()


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("uscc", "91350100M000100Y44", "校验"),
        ("uscc", "91350100M000100Y4", "18"),
        ("contact_phone", "12345", "电话"),
        ("email", "not-an-email", "邮箱"),
        ("password", "short", "10"),
    ],
)
async def test_bad_registration_is_a_chinese_problem_and_creates_nothing(
    filing, field, value, fragment
):
    body = registration(OTHER_USCC) | {field: value}
    response = await filing.post("/api/v1/enterprises", json=body)
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert any(
        fragment in error["message"] or fragment in error["field"] for error in problem["errors"]
    ), problem
    ok = await filing.post("/api/v1/enterprises", json=registration(OTHER_USCC))
    assert ok.status_code == 201


async def test_wrong_password_and_unknown_user_get_the_same_answer(filing):
    await filing.post("/api/v1/enterprises", json=registration(USCC))
    wrong = await filing.post("/api/v1/auth/token", json={"username": USCC, "password": "x" * 12})
    unknown = await filing.post(
        "/api/v1/auth/token", json={"username": OTHER_USCC, "password": "x" * 12}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"] == "用户名或密码错误"


async def test_token_verifies_against_the_published_jwks(filing):
    await filing.post("/api/v1/enterprises", json=registration(USCC))
    token = (await login(filing, USCC, ENTERPRISE_PASSWORD))["Authorization"].split()[1]
    keys = (await filing.get("/.well-known/jwks.json")).json()["keys"]
    key = jwt.PyJWK(keys[0])
    claims = jwt.decode(token, key=key, algorithms=["EdDSA"], options={"verify_aud": False})
    assert claims["role"] == "enterprise" and claims["sub"] == USCC
    assert jwt.get_unverified_header(token)["kid"] == keys[0]["kid"]


async def test_staff_accounts_come_only_from_the_command_line(filing, filing_settings, service_env):
    # No endpoint creates staff: posting a staff role to registration is refused.
    body = registration(USCC) | {"role": "admin"}
    assert (await filing.post("/api/v1/enterprises", json=body)).status_code == 422

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "skilleval_filing.staff",
            "create",
            "reviewer1",
            "--role",
            Role.CITY_CENTER.value,
            "--name",
            "王审核",
        ],
        input="a-long-staff-password\n",
        capture_output=True,
        text=True,
        env=service_env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    headers = await login(filing, "reviewer1", "a-long-staff-password")
    me = (await filing.get("/api/v1/me", headers=headers)).json()
    assert me == {
        "subject": "staff:reviewer1",
        "role": "city_center",
        "uscc": None,
        "name": "王审核",
    }
    duplicate = subprocess.run(
        [
            sys.executable,
            "-m",
            "skilleval_filing.staff",
            "create",
            "reviewer1",
            "--role",
            "admin",
            "--name",
            "x",
        ],
        input="another-long-password\n",
        capture_output=True,
        text=True,
        env=service_env,
        timeout=60,
    )
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr


TOKEN_URL = "/api/v1/auth/token"


async def test_an_account_with_too_many_failed_logins_is_refused_for_a_while(
    filing, filing_settings
):
    import asyncio

    import httpx

    from skilleval_filing.bootstrap import build_app
    from support.apps import serve_in_process

    assert (await filing.post("/api/v1/enterprises", json=registration(USCC))).status_code == 201
    assert (
        await filing.post("/api/v1/enterprises", json=registration(OTHER_USCC, "另一家公司"))
    ).status_code == 201
    app = build_app(filing_settings.model_copy(update={"max_failed_logins": 3}))
    async with serve_in_process(app) as guarded:
        elsewhere = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("203.0.113.9", 40000)),
            base_url="http://filing.test",
        )
        wrong = {"username": USCC, "password": "not-the-password"}
        # A burst of simultaneous guesses: only three are checked at all.
        burst = await asyncio.gather(*(guarded.post(TOKEN_URL, json=wrong) for _ in range(12)))
        assert sorted(r.status_code for r in burst) == [401] * 3 + [429] * 9
        # Now even the right password is refused from this address until the window has passed...
        right = {"username": USCC.lower(), "password": ENTERPRISE_PASSWORD}
        refused = await guarded.post(TOKEN_URL, json=right)
        assert refused.status_code == 429, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "登录失败次数过多" in refused.json()["detail"]
        assert int(refused.headers["retry-after"]) > 800
        # ...but the owner elsewhere logs in: failing on purpose cannot lock anyone out.
        assert (await elsewhere.post(TOKEN_URL, json=right)).status_code == 200
        # A success clears the count: two failures, a success, two failures, and a success.
        other_wrong = wrong | {"username": OTHER_USCC}
        other = {"username": OTHER_USCC, "password": ENTERPRISE_PASSWORD}
        answers = [
            (await guarded.post(TOKEN_URL, json=attempt)).status_code
            for attempt in (other_wrong, other_wrong, other, other_wrong, other_wrong, other)
        ]
        assert answers == [401, 401, 200, 401, 401, 200]
        await elsewhere.aclose()


async def test_logins_and_registrations_from_one_address_are_rate_limited(filing, filing_settings):
    from support.filing_flows import (
        replica,
    )

    async with replica(filing_settings, auth_attempts_per_minute=4) as limited:
        answers = [
            (await limited.post("/api/v1/enterprises", json=registration(USCC))).status_code,
            *[
                (
                    await limited.post(
                        TOKEN_URL, json={"username": USCC, "password": ENTERPRISE_PASSWORD}
                    )
                ).status_code
                for _ in range(3)
            ],
        ]
        assert answers == [201, 200, 200, 200]
        refused = await limited.post(TOKEN_URL, json={"username": USCC, "password": "x"})
        assert refused.status_code == 429
        assert "秒后再试" in refused.json()["detail"]
        late = await limited.post("/api/v1/enterprises", json=registration(OTHER_USCC, "晚到公司"))
        assert late.status_code == 429
    # The refused registration stored nothing.
    login_other = {"username": OTHER_USCC, "password": ENTERPRISE_PASSWORD}
    assert (await filing.post(TOKEN_URL, json=login_other)).status_code == 401
