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
import time
from collections import Counter
from dataclasses import dataclass, field

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

from support import story
from support.filing_samples import ENTERPRISE_PASSWORD, make_uscc, registration

pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(900)]

# Ports from SKILLEVAL_PORT_OFFSET (and E2E_HOST), as `make up` uses them.
ENDPOINTS = story.Endpoints.from_environment()
SERVICES = {
    name: getattr(ENDPOINTS, name)
    for name in ("filing", "assessment", "certification", "registry", "notification")
}
ROLES = ("anonymous", "enterprise", "city_center", "province_center")
# The example budget: generated requests per target (an operation, valid or invalid requests,
# generated or known path parameters), per service and caller. The time budget of the whole run,
# shared out by each service's number of operations; what the time did not reach is printed.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
BUDGET_SECONDS = float(os.environ.get("FUZZ_BUDGET_SECONDS", "300"))
# The order targets are tried in (FUZZ_SEED repeats a run's order; Hypothesis' examples differ).
SEED = os.environ.get("FUZZ_SEED") or str(random.randrange(1_000_000))

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]


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


@dataclass(frozen=True)
class Callers:
    """Each caller's headers, and the ids of real objects of this run (path parameters that
    reach past the 404: the enterprise's USCC and a draft filing of its own)."""

    headers: dict[str, dict[str, str]]
    known: dict[str, str]


@pytest.fixture(scope="session")
def callers() -> Callers:
    """A fresh enterprise with a draft filing, and fresh staff accounts of this run."""
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
            story.create_staff(username, role, "模糊测试")
            headers[role] = bearer(filing, username, story.STAFF_PASSWORD)
        draft = filing.post("/api/v1/filings", headers=headers["enterprise"])
        assert draft.status_code == 201, draft.text
    return Callers(headers, {"uscc": uscc, "filing_id": draft.json()["filing_id"]})


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
    # The callers' tokens are sent as they are (Callers); generation leaves Authorization
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


def known_path_parameters(operation: APIOperation, known: dict[str, str]) -> dict[str, str]:
    raw = operation.definition.raw
    names = {p["name"] for p in raw.get("parameters", []) if p["in"] == "path"}
    return {name: value for name, value in known.items() if name in names}


@dataclass(frozen=True)
class Target:
    """One operation, valid or invalid requests, with generated or known path parameters."""

    operation: APIOperation
    mode: GenerationMode
    path_parameters: dict[str, str] | None

    @property
    def label(self) -> str:
        known = " on known ids" if self.path_parameters else ""
        return f"{self.operation.label} ({self.mode.value}{known})"


def targets(operations: list[APIOperation], known: dict[str, str]) -> list[Target]:
    found = []
    for operation in operations:
        fixed = known_path_parameters(operation, known)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            found.append(Target(operation, mode, None))
            if fixed:
                found.append(Target(operation, mode, fixed))
    return found


@dataclass
class Finding:
    target: str
    error: str


@dataclass
class Run:
    """One service fuzzed as one caller: what was found, skipped and answered."""

    headers: dict[str, str]
    findings: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    def fuzz(self, target: Target, examples: int) -> bool:
        """Up to ``examples`` generated requests; False once a check failed (the failure shrunk
        and kept)."""
        operation, mode, path_parameters = target.operation, target.mode, target.path_parameters

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            verbosity=Verbosity.quiet,
        )
        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
        def run(case: Case) -> None:
            response = case.call_and_validate(headers=self.headers, checks=CHECKS, timeout=30)
            self.statuses[response.status_code] += 1

        if mode is GenerationMode.NEGATIVE and not can_be_invalid(operation, path_parameters):
            return True
        try:
            run()
        except Unsatisfiable:  # nothing the generator could make invalid: nothing to send
            return True
        except (Exception, FailureGroup) as error:  # a check failed: keep it, go on
            self.findings.append(Finding(target.label, _first_lines(str(error))))
            return False
        return True


# Words of a parameter's schema that say nothing about which values are valid.
_ANNOTATIONS = frozenset({"title", "description", "examples", "example", "default"})


def can_be_invalid(operation: APIOperation, fixed: dict[str, str] | None = None) -> bool:
    """Whether an invalid request exists: a body, or a parameter (not fixed) the schema
    constrains. Asking Hypothesis to find one where none exists costs seconds before it gives
    up (Unsatisfiable)."""
    raw = operation.definition.raw
    if raw.get("requestBody"):
        return True
    for parameter in raw.get("parameters", []):
        if parameter["name"] in (fixed or {}) and parameter["in"] == "path":
            continue
        schema = parameter.get("schema", {})
        if schema.get("type", "string") != "string" or set(schema) - _ANNOTATIONS - {"type"}:
            return True
    return False


def _first_lines(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[:lines])


def item_budget(schemas: dict[str, OpenApiSchema], service: str) -> float:
    """This service's share of the run's time budget, by its number of operations (at least
    ten seconds: each operation has a fixed cost)."""
    counts = {name: len(list(schema.get_all_operations())) for name, schema in schemas.items()}
    return max(10.0, BUDGET_SECONDS * counts[service] / (sum(counts.values()) * len(ROLES)))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("service", list(SERVICES))
def test_api_answers_as_documented(
    service: str,
    role: str,
    schemas: dict[str, OpenApiSchema],
    callers: Callers,
) -> None:
    operations = [result.ok() for result in schemas[service].get_all_operations()]
    budget = item_budget(schemas, service)
    started = time.monotonic()
    run = Run(callers.headers[role])
    # A first pass gives every target a few requests, a second the rest of the example budget
    # while this service's share of the time lasts; a target that failed is not tried again.
    first = max(1, EXAMPLES // 5)
    unreached: list[str] = []
    remaining = targets(operations, callers.known)
    # In a shuffled order, so that a busy machine's short time leaves out other targets each run.
    random.Random(f"{SEED}-{service}-{role}").shuffle(remaining)
    for examples, is_first in ((first, True), (EXAMPLES - first, False)):
        if not is_first and not callers.headers[role]:
            # Without a token every secured operation answers 401 whatever it is sent: the
            # first pass has shown that; the time is better spent on the open operations.
            remaining = [t for t in remaining if not t.operation.definition.raw.get("security")]
        for target in list(remaining):
            if examples <= 0:
                break
            if time.monotonic() - started > budget:
                if is_first:
                    unreached.append(target.label)
                continue
            if not run.fuzz(target, examples):
                remaining.remove(target)
    elapsed = time.monotonic() - started
    answered = ", ".join(f"{code}×{n}" for code, n in sorted(run.statuses.items()))
    print(
        f"\n[fuzz] {service} as {role} (FUZZ_SEED={SEED}): {len(operations)} operations, "
        f"{elapsed:.0f} s of "
        f"{budget:.0f} s; answers {answered}"
        + (f"; time ran out before {len(unreached)} targets: {unreached}" if unreached else "")
    )
    report = "\n\n".join(f"{f.target}\n{f.error}" for f in run.findings)
    assert not run.findings, f"{len(run.findings)} finding(s), {service} as {role}:\n\n{report}"
