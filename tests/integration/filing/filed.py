"""TEST FIXTURE: enterprises put straight into a filing state through the ``FilingRepository``.

CatalogTable changes, entrustments and supervision need enterprises on file; this writes such a
filing directly (``support.filing_samples.put_on_file``: a ``FilingRecord`` in the wanted state
with a receipt and its 附表 catalog) instead of walking the lifecycle over HTTP, which has its
own tests. Also the Kafka reading and role-matrix helpers these tests share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from skilleval_filing.clock import today
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.model import FilingRecord
from skilleval_filing.settings import FilingSettings
from skilleval_shared import topics
from skilleval_shared.auth import Role
from skilleval_shared.repository import Loaded
from support import filing_samples as samples
from support.kafka import Record, read_until


async def put_on_file(
    app: FastAPI,
    uscc: str,
    *,
    name: str = "青岛示例机械有限公司",
    rows: Iterable[dict[str, Any]] = (samples.LATHE, samples.WELDER),
    state: FilingState = FilingState.FILED,
    sequence: int = 1,
) -> Loaded[FilingRecord]:
    """The enterprise's first filing, stored in ``state``: with a receipt issued 30 days ago,
    unless ``state`` is one a filing reaches before its receipt."""
    container = app.state.filing
    return await samples.put_on_file(
        container.filings,
        uscc,
        name=name,
        rows=samples.named_catalog(name, rows).rows,
        state=state,
        issued_on=today(container.settings) - timedelta(days=30),
        sequence=sequence,
    )


async def change_state(app: FastAPI, uscc: str, state: FilingState) -> None:
    """Move the latest filing to ``state`` (e.g. suspended), as the lifecycle would."""
    await samples.change_state(app.state.filing.filings, uscc, state)


async def filing_events(
    settings: FilingSettings, done: Callable[[list[Record]], bool], timeout: float = 30.0
) -> list[Record]:
    """Every record on this test's filing topic, read until ``done`` holds."""
    return await read_until(
        settings.kafka_bootstrap_servers, settings.topic(topics.FILING_EVENTS), done, timeout
    )


def of_type(records: list[Record], suffix: str) -> list[Record]:
    """Records whose CloudEvents type ends with e.g. ``catalog.changed.v1``."""
    return [r for r in records if r.json()["type"].endswith(f".{suffix}")]


def has(suffix: str, count: int = 1) -> Callable[[list[Record]], bool]:
    return lambda records: len(of_type(records, suffix)) >= count


async def check_roles(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    headers: dict[str, dict[str, str]],
    denied: dict[str, int],
    **request: Any,
) -> None:
    """Each caller in ``headers`` (``{}`` = anonymous) gets its status from ``denied``, or,
    if it is not there, passes the role check (anything but 401 and 403)."""
    for caller, caller_headers in headers.items():
        response = await client.request(method, path, headers=caller_headers, **request)
        if caller in denied:
            assert response.status_code == denied[caller], (caller, method, path, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
        else:
            assert response.status_code not in (401, 403), (caller, method, path, response.text)


async def callers(
    enterprise_headers: Callable[[str], Any],
    staff_headers: Callable[[Role], Any],
    owner: str,
    other: str,
) -> dict[str, dict[str, str]]:
    """Everyone who may knock: anonymous, the owning enterprise, another one, each staff role."""
    return {
        "anonymous": {},
        "owner": await enterprise_headers(owner),
        "other": await enterprise_headers(other),
        "city_center": await staff_headers(Role.CITY_CENTER),
        "province_center": await staff_headers(Role.PROVINCE_CENTER),
        "admin": await staff_headers(Role.ADMIN),
    }


def denied_to(allowed: Iterable[str], *, hidden: Iterable[str] = ()) -> dict[str, int]:
    """401 for anonymous, 403 for everyone not ``allowed`` — 404 for those in ``hidden``."""
    everyone = ("anonymous", "owner", "other", "city_center", "province_center", "admin")
    allowed_set, hidden_set = set(allowed), set(hidden)
    return {
        caller: 401 if caller == "anonymous" else 404 if caller in hidden_set else 403
        for caller in everyone
        if caller not in allowed_set
    }
