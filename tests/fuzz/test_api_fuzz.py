"""Schemathesis against each service's OpenAPI on the running system, as each kind of caller.

Run with `make fuzz` (deselected from `make test` by the ``fuzz`` marker); see docs/fuzzing.md.
For every service (its ``/openapi.json``) and every caller — nobody, an enterprise, a city-centre
and a province-centre reviewer — every operation is called with generated valid and invalid
requests, and every answer must be no 5xx and exactly what the document promises: a documented
status code, a documented content type, a body that fits the documented schema (problem+json
for every error). Invalid requests must be refused with a 4xx. State-changing calls create
garbage in the system they run against, so point it at your own copy
(``SKILLEVAL_PORT_OFFSET``), never at one that holds data anyone needs.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from integration.filing.conftest import ENTERPRISE_PASSWORD, registration
from support.filing_samples import make_uscc

pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(900)]

REPO = Path(__file__).resolve().parents[2]
HOST = os.environ.get("FUZZ_HOST", "http://127.0.0.1")
PORT_OFFSET = int(os.environ.get("SKILLEVAL_PORT_OFFSET", "0"))
SERVICES = {
    name: f"{HOST}:{port + PORT_OFFSET}"
    for name, port in (
        ("filing", 8001),
        ("assessment", 8002),
        ("certification", 8003),
        ("registry", 8004),
        ("notification", 8005),
    )
}
ROLES = ("anonymous", "enterprise", "city_center", "province_center")
# The example budget: generated requests per operation and kind (valid, invalid), per service
# and caller. The time budget of the whole run, shared out by each service's number of
# operations; what the time did not reach is printed (the first pass reaches every operation
# unless the machine is very busy).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
BUDGET_SECONDS = float(os.environ.get("FUZZ_BUDGET_SECONDS", "240"))
STAFF_PASSWORD = "fuzz-staff-password-123"

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]


def create_staff(username: str, role: str) -> None:
    """The staff CLI, as an operator runs it, against this system's database."""
    command = [sys.executable, "-m", "skilleval_filing.staff", "create", username]
    command.extend(["--role", role, "--name", "模糊测试"])
    env = os.environ | {"MONGODB_URL": f"mongodb://127.0.0.1:{27017 + PORT_OFFSET}"}
    done = subprocess.run(
        command,
        input=STAFF_PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def post_patiently(client: httpx.Client, path: str, body: dict[str, str]) -> httpx.Response:
    """A login or registration; an earlier fuzz run may have used up the minute's attempts."""
    deadline = time.monotonic() + 120
    while True:
        response = client.post(path, json=body)
        if response.status_code != 429 or time.monotonic() > deadline:
            return response
        time.sleep(float(response.headers.get("Retry-After", "5")))


def bearer(client: httpx.Client, username: str, password: str) -> dict[str, str]:
    response = post_patiently(
        client, "/api/v1/auth/token", {"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(scope="session")
def role_headers() -> dict[str, dict[str, str]]:
    """Headers of each caller: a fresh enterprise and fresh staff accounts of this run."""
    tag = random.randrange(1_000_000, 9_999_999)
    with httpx.Client(base_url=SERVICES["filing"], timeout=30) as filing:
        _wait_ready(filing)
        uscc = make_uscc(tag)
        body = registration(uscc, f"青岛模糊测试{tag}有限公司")
        registered = post_patiently(filing, "/api/v1/enterprises", body)
        assert registered.status_code == 201, registered.text
        headers = {"anonymous": {}, "enterprise": bearer(filing, uscc, ENTERPRISE_PASSWORD)}
        for role in ("city_center", "province_center"):
            username = f"fuzz-{role}-{tag}"
            create_staff(username, role)
            headers[role] = bearer(filing, username, STAFF_PASSWORD)
    return headers


def _wait_ready(client: httpx.Client, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if client.get("/readyz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    pytest.fail(f"{client.base_url} 未就绪；先运行 make up")


@pytest.fixture(scope="session")
def schemas() -> dict[str, OpenApiSchema]:
    """Each service's OpenAPI document as its running process serves it."""
    # The callers' tokens are sent as they are (role_headers); generation leaves Authorization
    # alone, or a "negative" case without it would be sent with it and accepted.
    config = schemathesis.Config.from_dict(
        {"generation": {"max-examples": EXAMPLES, "with-security-parameters": False}}
    )
    loaded = {}
    for name, base_url in SERVICES.items():
        with httpx.Client(base_url=base_url, timeout=30) as client:
            _wait_ready(client)
        loaded[name] = schemathesis.openapi.from_url(f"{base_url}/openapi.json", config=config)
    return loaded


@dataclass
class Finding:
    operation: str
    mode: str
    error: str


@dataclass
class Run:
    """One service fuzzed as one caller: what was found, skipped and answered."""

    headers: dict[str, str]
    findings: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    def fuzz(self, operation: APIOperation, mode: GenerationMode, examples: int) -> bool:
        """Up to ``examples`` generated requests; False once a check failed (shrunk, kept)."""

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            verbosity=Verbosity.quiet,
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case: Case) -> None:
            response = case.call_and_validate(headers=self.headers, checks=CHECKS, timeout=30)
            self.statuses[response.status_code] += 1

        if mode is GenerationMode.NEGATIVE and not can_be_invalid(operation):
            return True
        try:
            run()
        except Unsatisfiable:  # nothing the generator could make invalid: nothing to send
            return True
        except (Exception, FailureGroup) as error:  # a check failed: keep it, go on
            self.findings.append(Finding(operation.label, mode.value, _first_lines(str(error))))
            return False
        return True


# Words of a parameter's schema that say nothing about which values are valid.
_ANNOTATIONS = frozenset({"title", "description", "examples", "example", "default"})


def can_be_invalid(operation: APIOperation) -> bool:
    """Whether an invalid request exists: a body, or a parameter the schema constrains. Asking
    Hypothesis to find one where none exists costs seconds before it gives up (Unsatisfiable)."""
    raw = operation.definition.raw
    if raw.get("requestBody"):
        return True
    for parameter in raw.get("parameters", []):
        schema = parameter.get("schema", {})
        if schema.get("type", "string") != "string" or set(schema) - _ANNOTATIONS - {"type"}:
            return True
    return False


def _first_lines(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[:lines])


def item_budget(schemas: dict[str, OpenApiSchema], service: str) -> float:
    """This service's share of the run's time budget, by its number of operations."""
    counts = {name: len(list(schema.get_all_operations())) for name, schema in schemas.items()}
    return BUDGET_SECONDS * counts[service] / (sum(counts.values()) * len(ROLES))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("service", list(SERVICES))
def test_api_answers_as_documented(
    service: str,
    role: str,
    schemas: dict[str, OpenApiSchema],
    role_headers: dict[str, dict[str, str]],
) -> None:
    operations = [result.ok() for result in schemas[service].get_all_operations()]
    budget = item_budget(schemas, service)
    started = time.monotonic()
    run = Run(role_headers[role])
    # A first pass gives every operation a few requests of each kind, a second the rest of the
    # example budget while this service's share of the time lasts.
    first = max(1, EXAMPLES // 3)
    failing: set[tuple[str, GenerationMode]] = set()
    for examples in (first, EXAMPLES - first):
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                if (operation.label, mode) in failing or examples <= 0:
                    continue
                if time.monotonic() - started > budget:
                    run.skipped.append(f"{operation.label} ({mode.value}, {examples})")
                elif not run.fuzz(operation, mode, examples):
                    failing.add((operation.label, mode))
    elapsed = time.monotonic() - started
    answered = ", ".join(f"{code}×{n}" for code, n in sorted(run.statuses.items()))
    print(
        f"\n[fuzz] {service} as {role}: {len(operations)} operations, {elapsed:.0f} s of "
        f"{budget:.0f} s; answers {answered}"
        + (f"; time ran out before {len(run.skipped)} runs: {run.skipped}" if run.skipped else "")
    )
    report = "\n\n".join(f"{f.operation} [{f.mode}]\n{f.error}" for f in run.findings)
    assert not run.findings, f"{len(run.findings)} finding(s), {service} as {role}:\n\n{report}"
