"""Every filing endpoint either requires a bearer token (its role is then checked by the
per-area authorization tests) or is on the public list below; anonymous and forged callers of
every guarded endpoint get a 401 problem."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.integration

PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/asyncapi.json"),
    ("GET", "/.well-known/jwks.json"),
    ("POST", "/api/v1/enterprises"),
    ("POST", "/api/v1/auth/token"),
    ("GET", "/api/v1/public/notices"),
    ("POST", "/api/v1/public/notices/{filing_id}/objections"),
    ("POST", "/api/v1/public/complaints"),
    ("GET", "/api/v1/public/complaints/{complaint_id}"),
    ("GET", "/api/v1/public/inspections"),
    ("GET", "/api/v1/public/inspections/{inspection_id}"),
    ("GET", "/api/v1/public/inspections/{inspection_id}/pools"),
    ("GET", "/api/v1/public/inspection-announcements"),
    ("GET", "/api/v1/public/inspection-announcements/{inspection_id}"),
}


def operations(app) -> list[tuple[str, str, dict]]:
    return [
        (method.upper(), path, operation)
        for path, item in app.openapi()["paths"].items()
        for method, operation in item.items()
    ]


async def test_endpoints_without_a_token_requirement_are_exactly_the_public_ones(filing):
    unguarded = {
        (m, p) for m, p, operation in operations(filing.app) if not operation.get("security")
    }
    assert unguarded == PUBLIC
    assert all(
        (method, path) in PUBLIC
        for method, path, _ in operations(filing.app)
        if path.startswith("/api/v1/public/")
    )


async def test_every_guarded_endpoint_refuses_anonymous_and_forged_callers(filing):
    forged = {"Authorization": "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0."}
    checked = 0
    for method, path, operation in operations(filing.app):
        if not operation.get("security"):
            continue
        concrete = re.sub(r"\{[^}]+\}", "x1", path)
        for headers in ({}, forged):
            response = await filing.request(method, concrete, headers=headers)
            assert response.status_code == 401, f"{method} {path}: {response.status_code}"
            assert response.headers["content-type"].startswith("application/problem+json")
        checked += 1
    assert checked >= 40
