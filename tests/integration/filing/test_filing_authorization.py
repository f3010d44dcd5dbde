"""Every filing and public-notice endpoint × every kind of caller: who gets in, who gets 401/403.

An allowed caller may still get 404/409/422 for what it sends; it must never get 401 or 403.
"""

from __future__ import annotations

from typing import Any

import pytest

from skilleval_shared.auth import Role
from support.filing_flows import (
    create_draft,
)
from support.filing_samples import (
    catalog_json as catalog,
)
from support.filing_samples import (
    pdf,
)
from support.samples import OTHER_USCC, USCC

pytestmark = pytest.mark.integration

OWNER = "owner"  # the enterprise whose filing the path names
OTHER = "other enterprise"
ANONYMOUS = "anonymous"
STAFF = {Role.CITY_CENTER.value, Role.PROVINCE_CENTER.value, Role.ADMIN.value}
REVIEWERS = {Role.CITY_CENTER.value, Role.ADMIN.value}
READERS = {OWNER, *STAFF}
EVERYONE = {OWNER, OTHER, ANONYMOUS, *STAFF}
REASON = {"reason": "理由"}

# (method, path, who may call, request keyword arguments)
ENDPOINTS: list[tuple[str, str, set[str], dict[str, Any]]] = [
    ("POST", "/api/v1/filings", {OWNER, OTHER}, {}),
    ("GET", "/api/v1/filings", STAFF, {"params": {"status": "draft"}}),
    ("GET", "/api/v1/filings/current", {OWNER, OTHER}, {}),
    ("GET", "/api/v1/filings/{id}", READERS, {}),
    ("PUT", "/api/v1/filings/{id}/application", {OWNER}, {"json": {}}),
    ("PUT", "/api/v1/filings/{id}/catalog", {OWNER}, {"json": catalog()}),
    (
        "PUT",
        "/api/v1/filings/{id}/materials/{kind}",
        {OWNER},
        {"files": {"file": ("a.pdf", pdf("a"), "application/pdf")}},
    ),
    ("GET", "/api/v1/filings/{id}/materials/{kind}", READERS, {}),
    ("POST", "/api/v1/filings/{id}/submit", {OWNER}, {}),
    ("POST", "/api/v1/filings/{id}/resubmit", {OWNER}, {}),
    ("POST", "/api/v1/filings/{id}/return", REVIEWERS, {"json": {"remarks": []}}),
    ("POST", "/api/v1/filings/{id}/reject", REVIEWERS, {"json": REASON}),
    ("POST", "/api/v1/filings/{id}/accept", REVIEWERS, {}),
    (
        "POST",
        "/api/v1/filings/{id}/objections/{objection}/resolve",
        REVIEWERS,
        {"json": REASON | {"outcome": "dismissed"}},
    ),
    ("POST", "/api/v1/filings/{id}/suspend", REVIEWERS, {"json": REASON}),
    ("POST", "/api/v1/filings/{id}/reinstate", REVIEWERS, {"json": REASON}),
    (
        "POST",
        "/api/v1/filings/{id}/revoke",
        REVIEWERS,
        {"json": REASON | {"grounds": [{"kind": "other", "explanation": "理由"}]}},
    ),
    ("GET", "/api/v1/filings/{id}/term", READERS, {}),
    ("POST", "/api/v1/filings/{id}/renewal", {OWNER}, {}),
    ("POST", "/api/v1/filings/{id}/renewal/accept", REVIEWERS, {}),
    ("POST", "/api/v1/filings/{id}/renewal/refuse", REVIEWERS, {"json": REASON}),
    (
        "PUT",
        "/api/v1/filings/{id}/institution-code",
        REVIEWERS,
        {"json": {"institution_code": "0123"}},
    ),
    (
        "PUT",
        "/api/v1/filings/{id}/institution-serial",
        REVIEWERS | {Role.PROVINCE_CENTER.value},  # the province assigns it
        {"json": {"institution_serial": "370123"}},
    ),
    ("GET", "/api/v1/public/notices", EVERYONE, {}),
    (
        "POST",
        "/api/v1/public/notices/{id}/objections",
        EVERYONE,
        {"json": {"text": "异议", "contact_phone": "13800138000"}},
    ),
]


def test_the_table_names_every_filing_and_notice_endpoint(filing_settings):
    from skilleval_filing.bootstrap import build_app

    paths = build_app(filing_settings).openapi()["paths"]
    declared = {
        (
            method.upper(),
            path.replace("{filing_id}", "{id}").replace("{objection_id}", "{objection}"),
        )
        for path, operations in paths.items()
        if path.startswith(("/api/v1/filings", "/api/v1/public/notices"))
        for method in operations
    }
    assert declared == {(method, path) for method, path, _, _ in ENDPOINTS}
    for path, operations in paths.items():
        if path.startswith(("/api/v1/filings", "/api/v1/public/notices")):
            assert all(operation["summary"] for operation in operations.values()), path


async def test_every_endpoint_admits_exactly_its_callers(filing, staff_headers, enterprise_headers):
    owner = await enterprise_headers(USCC)
    callers: dict[str, dict[str, str]] = {
        OWNER: owner,
        OTHER: await enterprise_headers(OTHER_USCC),
        ANONYMOUS: {},
        **{role.value: await staff_headers(role) for role in Role if role is not Role.ENTERPRISE},
    }
    filing_id = await create_draft(filing, owner)
    for method, template, allowed, kwargs in ENDPOINTS:
        path = template.format(id=filing_id, kind="work_plan", objection="o-1")
        for name, headers in callers.items():
            response = await filing.request(method, path, headers=headers, **kwargs)
            where = f"{method} {template} as {name}: {response.status_code} {response.text}"
            if name in allowed:
                assert response.status_code not in (401, 403), where
            elif name == ANONYMOUS:
                assert response.status_code == 401, where
            else:
                assert response.status_code == 403, where
                assert response.headers["content-type"].startswith("application/problem+json")
