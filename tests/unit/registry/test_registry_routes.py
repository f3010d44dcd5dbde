"""Every registry route declares what it answers; staff routes demand a bearer token."""

from __future__ import annotations

from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute

from skilleval_registry.bootstrap import build_app
from skilleval_registry.directory import routes as directory
from skilleval_registry.lookup import routes as lookup
from skilleval_registry.settings import RegistrySettings
from skilleval_registry.statistics import routes as statistics
from skilleval_registry.sync import routes as sync
from skilleval_registry.verification import routes as verification

APP = build_app(RegistrySettings())
FEATURES = (directory, lookup, statistics, sync, verification)


def test_every_route_declares_its_response() -> None:
    routes = [r for f in FEATURES for r in f.router.routes if isinstance(r, APIRoute)]
    assert len(routes) >= 17
    for route in routes:
        assert route.response_model is not None or route.response_class is HTMLResponse, route.path


def test_staff_routes_need_a_token_and_public_ones_do_not() -> None:
    spec = APP.openapi()
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            secured = bool(operation.get("security"))
            staff_only = path.startswith(("/api/v1/sync/", "/api/v1/audit/"))
            assert secured == (staff_only and path != "/api/v1/sync/schema"), path
