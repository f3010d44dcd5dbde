"""The whole story against the running system (`make up`), over the public HTTP APIs only.

Run with `make e2e` (deselected from `make test` by the ``e2e`` marker). Every run uses names of
its own, so it can run again; it leaves the system populated for a newcomer to browse (see
docs/e2e.md). The one step that cannot happen in real time, the end of a five-working-day public
notice, is reached by restarting the filing service process alone with ``TODAY_OVERRIDE`` (its
documented test clock), then restarting it again on the real calendar.
"""

from __future__ import annotations

import asyncio
import io
import os
import random
import subprocess
import sys
import time
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from integration.filing.conftest import ENTERPRISE_PASSWORD, registration
from integration.filing.flows import fill_draft
from skilleval_shared.events.assessment_parts import AssessmentMethod, PlanSubject
from support.assessment_samples import candidate, make_uscc, plan_content
from support.filing_samples import application_json as application
from support.filing_samples import catalog_json as catalog
from support.kafka import eventually
from support.mailpit import messages_to

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

REPO = Path(__file__).resolve().parents[2]
HOST = os.environ.get("E2E_HOST", "http://127.0.0.1")
PORT_OFFSET = int(os.environ.get("SKILLEVAL_PORT_OFFSET", "0"))
FILING, ASSESSMENT, CERTIFICATION, REGISTRY, NOTIFICATION = (
    f"{HOST}:{port + PORT_OFFSET}" for port in (8001, 8002, 8003, 8004, 8005)
)
MAILPIT = os.environ.get("MAILPIT_API", f"{HOST}:{8025 + PORT_OFFSET}")
STAFF_PASSWORD = "e2e-staff-password-123"
DIGITS = "零一二三四五六七八九"
CHINA = ZoneInfo("Asia/Shanghai")


def chinese(number: str) -> str:
    return "".join(DIGITS[int(d)] for d in number)


class Run:
    """Names of this run: an enterprise, its mailbox, staff accounts and candidates."""

    def __init__(self) -> None:
        self.n = random.randrange(1_000_000, 9_999_999)
        self.tag = f"{self.n}"
        self.uscc = make_uscc(self.n)
        self.enterprise_name = f"青岛{chinese(self.tag)}精密机械有限公司"
        self.email = f"hr-{self.tag}@e2e.example.com"
        self.city_user = f"e2e-city-{self.tag}"
        self.province_user = f"e2e-province-{self.tag}"
        base = random.randrange(0, 49_000)
        self.people = [base + i for i in range(3)]

    def worker_email(self, n: int) -> str:
        return f"worker-{self.tag}-{n}@e2e.example.com"


def create_staff(username: str, role: str, name: str) -> None:
    """The staff CLI, as an operator runs it (password on stdin)."""
    command = [sys.executable, "-m", "skilleval_filing.staff", "create", username]
    command.extend(["--role", role, "--name", name])
    done = subprocess.run(
        command,
        input=STAFF_PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


async def login(filing: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    response = await filing.post(
        "/api/v1/auth/token", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def launcher() -> Any:
    sys.path.insert(0, str(REPO / "infra"))
    import launcher as module  # type: ignore[import-not-found]

    return module


def restart_filing(extra: dict[str, str]) -> None:
    """Restart the filing service process that `make up` (the launcher) started."""
    module = launcher()
    component = next(c for c in module.SERVICES if c.name == "filing")
    if component.pid() is None:
        pytest.xfail(
            "公示期届满需要以 TODAY_OVERRIDE 重启备案服务；当前备案服务不是由本机 launcher 启动"
            "（例如 Docker Compose），无法移动其日历，见 docs/e2e.md"
        )
    module.stop(component)
    module.start(component, module._ensure_dev_keys() | extra)
    module.wait_ready(component)


def ends_on(accepted: dict[str, Any]) -> date:
    """The last day of the public notice, as the service computed it."""
    stack: list[Any] = [accepted]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("ends_on", "notice_ends_on") and isinstance(value, str):
                    return date.fromisoformat(value)
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    raise AssertionError(f"no notice end in {accepted}")


def plan_body(title: str) -> dict[str, Any]:
    """The sample plan, fitted to the filed catalog (车工 5/4/3, 焊工 5/4/3/2), running from now
    to tomorrow: the institution must be on file on the day the plan ends."""
    starts = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    lathe = PlanSubject(
        occupation_code="6-18-01-01",
        occupation_name="车工",
        work_type="数控车工",
        levels=frozenset({4, 3}),
        method=AssessmentMethod.EXAMINATION,
        posts=("数控车床操作", "车工"),
    )
    welder = PlanSubject(
        occupation_code="6-18-02-04",
        occupation_name="焊工",
        levels=frozenset({5}),
        method=AssessmentMethod.DIRECT_RECOGNITION,
    )
    content = plan_content(
        title=title, subjects=(lathe, welder), starts_at=starts, ends_at=starts + timedelta(days=1)
    )
    return content.model_dump(mode="json")


async def wait_ready(name: str, client: httpx.AsyncClient, timeout: float = 60) -> None:
    """A service that answers /readyz with 200 (its database and Kafka reachable)."""
    last = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            ready = await client.get("/readyz")
            if ready.status_code == 200:
                return
            last = ready.text
        except httpx.HTTPError as error:
            last = f"未响应：{error}"
        await asyncio.sleep(1)
    pytest.fail(f"{name}（{client.base_url}）未就绪：{last}；先运行 make up")


@pytest.fixture
async def clients() -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    urls = {
        "filing": FILING,
        "assessment": ASSESSMENT,
        "certification": CERTIFICATION,
        "registry": REGISTRY,
        "notification": NOTIFICATION,
    }
    made = {name: httpx.AsyncClient(base_url=url, timeout=30) for name, url in urls.items()}
    try:
        for name, client in made.items():
            await wait_ready(name, client)
        yield made
    finally:
        for client in made.values():
            await client.aclose()


async def test_the_whole_story(clients: dict[str, httpx.AsyncClient]) -> None:
    run = Run()
    filing = clients["filing"]
    assessment = clients["assessment"]
    certification = clients["certification"]
    registry = clients["registry"]
    print(f"\n[e2e] run {run.tag}: {run.enterprise_name} {run.uscc} {run.email}")

    # 1. Staff accounts, made the only way they are made: the CLI.
    create_staff(run.city_user, "city_center", "王审核")
    create_staff(run.province_user, "province_center", "李审核")
    city = await login(filing, run.city_user, STAFF_PASSWORD)
    province = await login(filing, run.province_user, STAFF_PASSWORD)

    # 2. The enterprise registers, files every 附件1 field, the ten materials and the catalog.
    body = registration(run.uscc, run.enterprise_name) | {"email": run.email}
    registered = await filing.post("/api/v1/enterprises", json=body)
    assert registered.status_code == 201, registered.text
    enterprise = await login(filing, run.uscc, ENTERPRISE_PASSWORD)
    created = await filing.post("/api/v1/filings", headers=enterprise)
    assert created.status_code == 201, created.text
    filing_id = created.json()["filing_id"]
    await fill_draft(filing, enterprise, filing_id, run.uscc)
    base = f"/api/v1/filings/{filing_id}"
    form = application(run.uscc, enterprise_name=run.enterprise_name, email=run.email)
    saved = await filing.put(f"{base}/application", headers=enterprise, json=form)
    assert saved.status_code == 200, saved.text
    table = catalog()
    table["header"] |= {"institution_name": run.enterprise_name, "email": run.email}
    saved = await filing.put(f"{base}/catalog", headers=enterprise, json=table)
    assert saved.status_code == 200, saved.text
    submitted = await filing.post(f"{base}/submit", headers=enterprise)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted", submitted.text

    # 3. The city centre accepts it for public notice, and 4. the notice runs out. Five working
    # days cannot pass during a test, so the acceptance happens on the filing service's test
    # clock three weeks back (the filing process alone, restarted with TODAY_OVERRIDE); restarted
    # on the real calendar, its scheduler finds the notice over and files it today.
    back = datetime.now(CHINA).date() - timedelta(days=21)
    restart_filing({"TODAY_OVERRIDE": back.isoformat()})
    try:
        # The restarted process may answer before it reads the filing (shared infrastructure).
        async def accept() -> httpx.Response | None:
            response = await filing.post(f"{base}/accept", headers=city)
            return None if response.status_code == 404 or response.status_code >= 500 else response

        accepted = await eventually(accept, timeout=30, interval=1)
    finally:
        restart_filing({})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "on_notice", accepted.text
    notice_end = ends_on(accepted.json())
    print(f"[e2e] accepted on {back}, on notice until {notice_end}")
    assert notice_end < datetime.now(CHINA).date()

    async def filed() -> dict[str, Any] | None:
        found = (await filing.get(base, headers=enterprise)).json()
        return found if found.get("status") == "filed" else None

    on_file = await eventually(filed, timeout=180, interval=1)
    receipt = on_file["receipt"] or {}
    print(f"[e2e] filed: {receipt.get('number')}, serial {receipt.get('institution_serial')}")
    assert str(receipt.get("number")).startswith("QDZP-"), on_file
    serial = str(receipt.get("institution_serial"))
    assert len(serial) == 6 and serial.isdigit(), on_file

    # 5. Staff record the national institution code used in certificate numbers.
    code = f"{run.n % 10_000:04d}"
    recorded = await filing.put(
        f"{base}/institution-code", headers=city, json={"institution_code": code}
    )
    assert recorded.status_code == 200, recorded.text

    # 6. The directory lists the institution (registry, from the filing events).
    async def listed() -> dict[str, Any] | None:
        response = await registry.get(f"/api/v1/public/institutions/{run.uscc}")
        return response.json() if response.status_code == 200 else None

    institution = await eventually(listed, timeout=60, interval=0.5)
    assert institution["status"] == "filed", institution

    # 7. A plan is submitted and accepted (once assessment knows the institution is on file).
    title = f"{datetime.now(CHINA).year}年职业技能等级认定（第{chinese(run.tag)}期）"

    async def plan_created() -> httpx.Response | None:
        response = await assessment.post("/api/v1/plans", json=plan_body(title), headers=enterprise)
        return response if response.status_code == 201 else None

    plan_id = (await eventually(plan_created, timeout=60, interval=1)).json()["plan_id"]
    plan = f"/api/v1/plans/{plan_id}"

    # 8. Candidates registered and found eligible.
    n1, n2, n3 = run.people
    wanted = [
        candidate(n1, email=run.worker_email(1), employer=run.enterprise_name),
        candidate(n2, email=run.worker_email(2), employer=run.enterprise_name),
        candidate(
            n3,
            email=run.worker_email(3),
            employer=run.enterprise_name,
            occupation_code="6-18-02-04",
            work_type=None,
            level=5,
            post="焊接",
        ),
    ]
    registrations = []
    for item in wanted:
        response = await assessment.post(f"{plan}/candidates", json=item, headers=enterprise)
        assert response.status_code == 201, response.text
        assert response.json()["eligibility"]["condition_id"], response.text
        registrations.append(response.json()["registration_id"])
    sent = await assessment.post(f"{plan}/submit", headers=enterprise)
    assert sent.status_code == 200, sent.text
    assert sent.json()["candidate_count"] == 3
    plan_accepted = await assessment.post(f"{plan}/accept", headers=city)
    assert plan_accepted.status_code == 200, plan_accepted.text
    assert plan_accepted.json()["status"] == "accepted"

    # 9. Results recorded.
    today = datetime.now(CHINA).date().isoformat()
    examiners = ["王五", "赵六", "孙七"]
    scored = [
        {
            "registration_id": registrations[0],
            "scores": {"理论知识": 75, "操作技能": 80},
            "evaluated_on": today,
            "examiners": examiners,
        },
        {
            "registration_id": registrations[1],
            "scores": {"理论知识": 88, "操作技能": 91},
            "evaluated_on": today,
            "examiners": examiners,
        },
        {
            "registration_id": registrations[2],
            "evaluated_on": today,
            "examiners": ["王五"],
            "evidence": "全国焊工技能大赛一等奖",
        },
    ]
    results = await assessment.post(f"{plan}/results", json={"results": scored}, headers=enterprise)
    assert results.status_code == 200, results.text
    assert [r["passed"] for r in results.json()["results"]] == [True, True, True]

    # 10. The roster built and submitted; certification validates it.
    roster = await assessment.post(f"{plan}/roster", headers=enterprise)
    assert roster.status_code == 200, roster.text
    roster_id = roster.json()["roster_id"]

    async def roster_is(wanted_status: str) -> dict[str, Any] | None:
        response = await certification.get(f"/api/v1/rosters/{roster_id}", headers=enterprise)
        found = response.json() if response.status_code == 200 else {}
        return found if found.get("status") == wanted_status else None

    validated = await eventually(lambda: roster_is("validated"), timeout=120, interval=1)
    assert validated["failed_count"] == 0, validated

    # 11. City and province reviews.
    reviewed = await certification.post(
        f"/api/v1/rosters/{roster_id}/city-review", json={"approve": True}, headers=city
    )
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["status"] == "city_approved", reviewed.text
    reviewed = await certification.post(
        f"/api/v1/rosters/{roster_id}/province-review", json={"approve": True}, headers=province
    )
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["status"] in ("numbering", "issued"), reviewed.text

    # 12. Certificates issued, numbered with the institution code and serial.
    issued = await eventually(lambda: roster_is("issued"), timeout=120, interval=1)
    assert issued["certificate_count"] == 3, issued
    archive = await certification.get(
        f"/api/v1/rosters/{roster_id}/certificates.zip", headers=enterprise
    )
    assert archive.status_code == 200, archive.text
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        pdfs = {name.removesuffix(".pdf"): opened.read(name) for name in opened.namelist()}
    assert len(pdfs) == 3
    for number in pdfs:
        assert len(number) == 22 and number[1:5] == code and number[7:13] == serial, number
    by_level = {number[15]: number for number in pdfs}
    lathe_number = next(n for n in sorted(pdfs) if n[15] == "4")
    print(f"[e2e] certificates: {sorted(pdfs)} (levels {sorted(by_level)})")

    # 13. The public looks one up on the registry (masked) and verifies its QR payload.
    page = PdfReader(io.BytesIO(pdfs[lathe_number])).pages[0]
    text = page.extract_text()
    holder = next(item["name"] for item in wanted[:2] if item["name"] in text)
    images = [Image.open(io.BytesIO(image.data)) for image in page.images]
    payloads = [code.text for img in images for code in zxingcpp.read_barcodes(img)]
    assert payloads, "证书PDF中没有二维码"
    token = payloads[0].split("s=", 1)[1]

    async def found_publicly() -> dict[str, Any] | None:
        response = await registry.get(
            f"/api/v1/public/certificates/{lathe_number}", params={"name": holder}
        )
        return response.json() if response.status_code == 200 else None

    public = await eventually(found_publicly, timeout=90, interval=4)
    shown = str(public)
    assert holder not in shown and holder[0] in shown, public
    person = next(item for item in wanted if item["name"] == holder)
    assert person["id_number"] not in shown and person["phone"] not in shown, public
    assert person["email"] not in shown, public
    site = await registry.post(
        "/lookup/number", data={"certificate_number": lathe_number, "name": holder}
    )
    assert site.status_code == 200 and f"{holder[0]}*" in site.text, site.text[-1500:]
    assert person["id_number"] not in site.text

    last: list[str] = []

    async def verified() -> dict[str, Any] | None:
        response = await registry.get("/api/v1/public/verify", params={"s": token})
        last[:] = [f"{response.status_code} {response.text[:600]}"]
        found = response.json() if response.status_code == 200 else {}
        return found if found.get("verdict") == "valid" else None

    # Public lookups are limited per address (LOOKUPS_PER_MINUTE): poll gently.
    try:
        checked = await eventually(verified, timeout=90, interval=4)
    except AssertionError:
        pytest.fail(f"二维码验证未得到“有效”：{last} token={token[:60]}…")
    assert lathe_number in str(checked), checked
    verify_page = await registry.get("/verify", params={"s": token})
    assert verify_page.status_code == 200 and "有效" in verify_page.text

    # 14. The province simulator acknowledges every certificate.
    async def acknowledged() -> list[dict[str, Any]] | None:
        states = []
        for number in pdfs:
            response = await registry.get(f"/api/v1/sync/certificates/{number}", headers=city)
            state = response.json() if response.status_code == 200 else {}
            if not state.get("acknowledged_at"):
                return None
            states.append(state)
        return states

    acks = await eventually(acknowledged, timeout=120, interval=1)
    assert {state["status"] for state in acks} <= {"accepted", "rejected"}, acks

    # 15. The emails are in Mailpit: the enterprise's and each holder's.
    enterprise_mail = await messages_to(MAILPIT, run.email, at_least=10, timeout=120)
    subjects = [message["Subject"] for message in enterprise_mail]
    print(f"[e2e] mail to {run.email}: {subjects}")
    assert len(enterprise_mail) >= 5, subjects
    for expected in ("企业账号注册成功", "备案完成", "评价考核方案已通过", "证书已全部发放"):
        assert any(expected in subject for subject in subjects), (expected, subjects)
    for n in (1, 2, 3):
        holder_mail = await messages_to(MAILPIT, run.worker_email(n), timeout=120)
        assert holder_mail, f"没有发给 {run.worker_email(n)} 的证书邮件"
        assert any("证书" in message["Subject"] for message in holder_mail), holder_mail
    print(f"[e2e] look up {lathe_number} with 姓名 {holder} at {REGISTRY}/")
    print(f"[e2e] done: registry {REGISTRY}/ , mailbox {MAILPIT}/ , run {run.tag}")
