"""The service layout (docs/service-layout.md): models and services speak the domain, not HTTP."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted((ROOT / "services").glob("*/src/skilleval_*"))
LAYERS = ("model.py", "service.py")
# HTTP lives in routes.py and the shared web layer; models and services raise domain errors.
HTTP_MODULES = ("fastapi", "starlette", "skilleval_shared.problems", "skilleval_shared.web")
HTTP_NAMES = {"Principal", "CurrentPrincipal", "EnterprisePrincipal", "StaffPrincipal"}


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def layer_files() -> list[Path]:
    return sorted(path for service in SERVICES for name in LAYERS for path in service.rglob(name))


LAYERED_FOLDERS = ("domain", "service_layer", "entrypoints")


@pytest.mark.parametrize("service", SERVICES, ids=lambda path: path.name)
def test_every_service_is_laid_out_by_feature(service: Path) -> None:
    assert (service / "bootstrap.py").exists(), "one composition root per service"
    assert not [name for name in LAYERED_FOLDERS if (service / name).exists()]
    for entrypoint in [*service.glob("*/routes.py"), *service.glob("*/consumers.py")]:
        assert (entrypoint.parent / "service.py").exists(), f"{entrypoint.parent.name}: no service"


@pytest.mark.parametrize("path", layer_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_models_and_services_import_no_http(path: Path) -> None:
    found = imported(path)
    speaking_http = sorted(
        name
        for name in found
        if name.startswith(HTTP_MODULES) or name.rsplit(".", 1)[-1] in HTTP_NAMES
    )
    assert speaking_http == []


def service_files() -> list[Path]:
    return sorted(path for service in SERVICES for path in service.rglob("service.py"))


@pytest.mark.parametrize("path", service_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_service_functions_take_keyword_arguments(path: Path) -> None:
    """``get(*, complaints, complaint_id)``: a call names what it passes (``repository(store)``,
    which builds the feature's repository, is the one exception)."""
    positional = [
        node.name
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
        and node.name != "repository"
        and node.args.args
    ]
    assert positional == []


@pytest.mark.parametrize("service", SERVICES, ids=lambda path: path.name)
def test_no_feature_scans_the_store_itself(service: Path) -> None:
    """Lists go through ``Repository.find``; only the shared repository reads snapshots."""
    scanning = [
        str(path.relative_to(service))
        for path in service.rglob("*.py")
        if ".snapshots." in path.read_text(encoding="utf-8")
        or ".commits." in path.read_text(encoding="utf-8")
    ]
    assert scanning == []
