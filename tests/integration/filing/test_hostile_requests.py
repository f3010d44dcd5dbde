"""Every filing endpoint, called with the hostile ids and bodies users and scanners send, answers
a Chinese problem+json 4xx and never a 5xx: malformed ids, path tricks, operator injection,
broken JSON, wrong shapes and deeply nested documents."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from integration.filing.test_every_route_is_guarded import operations
from skilleval_shared.auth import Role
from support.samples import USCC

pytestmark = pytest.mark.integration

HOSTILE_IDS = [
    "x" * 600,
    "..%2F..%2Fetc%2Fpasswd",
    "%00",
    "%E2%80%AE%F0%9F%98%80",
    f"{USCC}-99999999999999999999999",
    "'%20OR%20'1'='1",
    "%24where",
    "%7B%22%24gt%22%3A%22%22%7D",
]
HOSTILE_BODIES = [
    b"{",
    b"[]",
    b"null",
    b'"\\ud800"',
    b'{"$where": "sleep(1000)", "filing_id": {"$gt": ""}}',
    b"[" * 5000 + b"]" * 5000,
]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def check(response, where: str) -> None:
    assert response.status_code < 500, where
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json"), where
        problem = response.json()
        assert CHINESE.search(problem["title"]), where


async def test_hostile_ids_and_bodies_are_4xx_problems_never_5xx(
    filing, staff_headers, enterprise_headers
):
    callers = {
        "enterprise": await enterprise_headers(USCC),
        "admin": await staff_headers(Role.ADMIN),
        "city_center": await staff_headers(Role.CITY_CENTER),
    }
    statuses: Counter[int] = Counter()
    for method, path, operation in operations(filing.app):
        if path in ("/metrics", "/docs", "/asyncapi", "/openapi.json"):
            continue
        has_body = "requestBody" in operation
        for caller, headers in callers.items():
            for hostile in HOSTILE_IDS if "{" in path else ["-"]:
                concrete = re.sub(r"\{[^}]+\}", hostile, path)
                response = await filing.request(method, concrete, headers=headers)
                check(response, f"{method} {concrete[:120]} as {caller}: {response.text[:300]}")
                statuses[response.status_code] += 1
            if not has_body:
                continue
            concrete = re.sub(r"\{[^}]+\}", f"{USCC}-1", path)
            for body in HOSTILE_BODIES:
                for content_type in ("application/json", "multipart/form-data; boundary=zz"):
                    response = await filing.request(
                        method,
                        concrete,
                        headers=headers | {"content-type": content_type},
                        content=body,
                    )
                    where = f"{method} {path} {body[:40]!r} {content_type} as {caller}"
                    check(response, f"{where}: {response.text[:300]}")
                    statuses[response.status_code] += 1
    assert statuses.total() > 1000
    # Most requests got past authorization into validation and lookup, not only refused.
    assert statuses[400] and statuses[404] > 100 and statuses[422] > 500, statuses
