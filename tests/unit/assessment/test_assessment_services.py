"""Assessment's services over the in-memory store: a plan from draft to acceptance, candidates,
results for each method, and a roster submitted once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from skilleval_assessment.candidates import service as candidates
from skilleval_assessment.candidates.model import CandidateForm
from skilleval_assessment.plans import service as plans
from skilleval_assessment.plans.staffing import StaffingRules
from skilleval_assessment.results import service as results
from skilleval_assessment.results.model import ResultInput
from skilleval_assessment.rosters import service as rosters
from skilleval_shared.domain_errors import (
    AlreadyExists,
    IllegalTransition,
    InvalidRequest,
    NotFound,
    NotPermitted,
)
from skilleval_shared.events.assessment_parts import AssessmentMethod, PlanSubject
from skilleval_shared.events.fields import Remark
from support.assessment_samples import (
    CLIENT_USCC,
    USCC,
    FakeInstitutions,
    MemoryChunks,
    candidate,
    institution,
    plan_content,
)
from support.memory_store import MemoryStore

TODAY = date.today()


class Parts:
    def __init__(self, **institution_overrides: Any) -> None:
        self.plan_store, self.enrolment_store = MemoryStore("plan"), MemoryStore("enrolment")
        self.result_store, self.roster_store = MemoryStore("results"), MemoryStore("roster")
        self.plans = plans.repository(self.plan_store)
        self.enrolments = candidates.repository(self.enrolment_store)
        self.results = results.repository(self.result_store)
        self.rosters = rosters.repository(self.roster_store)
        self.batches, self.rows = MemoryChunks(), MemoryChunks()
        self.result_batches = MemoryChunks()
        self.institutions = FakeInstitutions(institution(**institution_overrides))
        self.stages: dict[str, str] = {}

    async def stage(self, roster_id: str) -> str | None:
        return self.stages.get(roster_id)

    async def submit(self, plan_id: str) -> Any:
        return await plans.submit(
            plans=self.plans,
            enrolments=self.enrolments,
            institutions=self.institutions,
            uscc=USCC,
            plan_id=plan_id,
            rules=StaffingRules(),
        )

    async def register(self, plan_id: str, **fields: Any) -> Any:
        return await candidates.register_one(
            plans=self.plans,
            institutions=self.institutions,
            enrolments=self.enrolments,
            batches=self.batches,
            uscc=USCC,
            plan_id=plan_id,
            form=CandidateForm.model_validate(candidate(**fields)),
        )


async def test_a_suspended_enterprise_cannot_start_a_plan() -> None:
    parts = Parts(status="suspended")
    with pytest.raises(NotPermitted, match="暂停"):
        await plans.create(
            plans=parts.plans, institutions=parts.institutions, uscc=USCC, content=plan_content()
        )


async def test_an_entrusted_plan_needs_an_accepted_entrustment() -> None:
    parts = Parts()
    content = plan_content(entrustment_id="ent-1", client_uscc=CLIENT_USCC)
    with pytest.raises(NotPermitted, match="委托评价协议"):
        await plans.create(
            plans=parts.plans, institutions=parts.institutions, uscc=USCC, content=content
        )


async def test_plan_candidates_results_and_roster() -> None:
    parts = Parts()
    direct = PlanSubject(
        occupation_code="6-18-02-04",
        occupation_name="焊工",
        levels=frozenset({5}),
        method=AssessmentMethod.DIRECT_RECOGNITION,
    )
    content = plan_content()
    content = content.model_copy(update={"subjects": (content.subjects[0], direct)})
    plan = await plans.create(
        plans=parts.plans, institutions=parts.institutions, uscc=USCC, content=content
    )
    with pytest.raises(InvalidRequest, match="尚无参加评价人员"):
        await parts.submit(plan.plan_id)
    valid = await parts.register(plan.plan_id, n=1)
    assert valid.eligibility.condition_id == "2018-4-2"
    exceptional = await parts.register(
        plan.plan_id,
        n=2,
        years_in_occupation=1,
        condition_id="x-4",
        ground="市级竞赛第二名",
        evidence="获奖证书",
    )
    assert exceptional.eligibility.exceptional
    welder = await parts.register(
        plan.plan_id, n=3, occupation_code="6-18-02-04", work_type=None, level=5, post="焊接"
    )
    chief = await parts.register(
        plan.plan_id, n=4, level=None, tier="首席技师", certificate_level=3
    )
    assert chief.level == 2
    ineligible = await parts.register(plan.plan_id, n=5, years_in_occupation=2)
    assert not ineligible.eligibility.eligible
    assert ineligible.eligibility.reason is not None
    assert "不符合四级/中级工申报条件" in ineligible.eligibility.reason
    listed = await candidates.registrations(
        enrolments=parts.enrolments, batches=parts.batches, plan_id=plan.plan_id
    )
    assert ineligible.registration_id in {r.registration_id for r in listed}
    with pytest.raises(AlreadyExists, match="已在本方案报名"):
        await parts.register(plan.plan_id, n=1, level=3, certificate_level=4)
    with pytest.raises(InvalidRequest, match="岗位"):
        await parts.register(plan.plan_id, n=6, post="仓库管理")

    submitted = await parts.submit(plan.plan_id)
    assert submitted.candidate_count == 4
    with pytest.raises(NotFound):
        await plans.get(plans=parts.plans, plan_id=plan.plan_id, owner=CLIENT_USCC)
    remark = Remark(item="staff", text="请补充考评员证号")
    await plans.return_plan(
        plans=parts.plans, plan_id=plan.plan_id, decided_by="staff-1", remarks=(remark,)
    )
    await parts.submit(plan.plan_id)
    await plans.accept(plans=parts.plans, plan_id=plan.plan_id, decided_by="staff-1")
    late = await parts.register(plan.plan_id, n=7)
    assert late.amendment

    def scores(registration_id: str, **values: float) -> tuple[int, ResultInput]:
        return 1, ResultInput(
            registration_id=registration_id,
            scores=values,
            evaluated_on=TODAY,
            examiners=("王五", "赵六", "孙七"),
        )

    entered, _ = await results.record(
        plans=parts.plans,
        enrolments=parts.enrolments,
        batches=parts.batches,
        results=parts.results,
        entries_store=parts.result_batches,
        uscc=USCC,
        plan_id=plan.plan_id,
        inputs=[
            scores(valid.registration_id, 理论知识=75, 操作技能=80),
            scores(exceptional.registration_id, 理论知识=55, 操作技能=90),
            (
                3,
                ResultInput(
                    registration_id=welder.registration_id,
                    evaluated_on=TODAY,
                    examiners=("王五",),
                    evidence="全国焊工技能大赛一等奖",
                ),
            ),
            scores(chief.registration_id, 理论知识=70, 操作技能=70, 综合评审=65),
        ],
        recorded_by=USCC,
        today=TODAY,
    )
    assert [entry.passed for entry in entered] == [True, False, True, True]
    with pytest.raises(InvalidRequest) as refused:
        await results.record(
            plans=parts.plans,
            enrolments=parts.enrolments,
            batches=parts.batches,
            results=parts.results,
            entries_store=parts.result_batches,
            uscc=USCC,
            plan_id=plan.plan_id,
            inputs=[scores(ineligible.registration_id, 理论知识=90, 操作技能=90)],
            recorded_by=USCC,
            today=TODAY,
        )
    assert refused.value.errors[0]["column"] == "报名编号"
    assert "资格审核未通过" in refused.value.errors[0]["message"]
    corrected = await results.correct(
        plans=parts.plans,
        enrolments=parts.enrolments,
        batches=parts.batches,
        results=parts.results,
        entries_store=parts.result_batches,
        uscc=USCC,
        plan_id=plan.plan_id,
        given=scores(exceptional.registration_id, 理论知识=65, 操作技能=90)[1],
        reason="理论成绩登记错误，经复核为65分",
        corrected_by=USCC,
        today=TODAY,
    )
    assert corrected.passed and corrected.corrections == 1

    async def submit() -> Any:
        return await rosters.submit(
            plans=parts.plans,
            enrolments=parts.enrolments,
            batches=parts.batches,
            results=parts.results,
            rosters=parts.rosters,
            rows_store=parts.rows,
            institutions=parts.institutions,
            stages=parts,
            uscc=USCC,
            plan_id=plan.plan_id,
        )

    first = await submit()
    assert first.row_count == 4
    assert await submit() == first  # idempotent
    rows = await rosters.submitted_rows(rows_store=parts.rows, roster_id=first.roster_id)
    assert [row.name for row in rows] == ["职工1", "职工2", "职工3", "职工4"]
    assert rows[0].institution_code == "000123"
    types = [event.type.split(".")[3:5] for event in parts.roster_store.published]
    assert types[-1] == ["roster", "submitted"] and types[0] == ["roster-rows", "submitted"]
    assert len(parts.roster_store.published) == 2
    plan_events = [event.type.split(".")[4] for event in parts.plan_store.published]
    assert plan_events == ["submitted", "returned", "resubmitted", "accepted"]
    result_events = [event.type.split(".")[4] for event in parts.result_store.published]
    assert result_events == ["recorded", "corrected"]
    with pytest.raises(IllegalTransition):
        await plans.accept(plans=parts.plans, plan_id=plan.plan_id, decided_by="staff-1")


class CountingChunks(MemoryChunks):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    async def read(self, payload_id: str) -> list[Any] | None:
        self.reads += 1
        return await super().read(payload_id)


async def test_results_in_bulk_read_no_registration_and_commit_a_small_state() -> None:
    parts = Parts()
    parts.batches = CountingChunks()
    content = plan_content(expected_candidates=200)
    lathe = content.subjects[0].model_copy(update={"method": AssessmentMethod.PROCESS})
    content = content.model_copy(update={"subjects": (lathe,)})
    plan = await plans.create(
        plans=parts.plans, institutions=parts.institutions, uscc=USCC, content=content
    )
    sheet = [(n, CandidateForm.model_validate(candidate(n))) for n in range(1, 201)]
    await candidates.register(
        plans=parts.plans,
        institutions=parts.institutions,
        enrolments=parts.enrolments,
        batches=parts.batches,
        uscc=USCC,
        plan_id=plan.plan_id,
        rows=sheet,
    )
    listed = await candidates.registrations(
        enrolments=parts.enrolments, batches=parts.batches, plan_id=plan.plan_id
    )
    await parts.submit(plan.plan_id)
    await plans.accept(plans=parts.plans, plan_id=plan.plan_id, decided_by="staff-1")
    parts.batches.reads = 0
    given = [
        (
            row,
            ResultInput(
                registration_id=r.registration_id,
                scores={"过程化考核": 50 if row % 2 else 80},
                evaluated_on=TODAY,
                examiners=("王五",),
            ),
        )
        for row, r in enumerate(listed, start=2)
    ]
    entered, errors = await results.record(
        plans=parts.plans,
        enrolments=parts.enrolments,
        batches=parts.batches,
        results=parts.results,
        entries_store=parts.result_batches,
        uscc=USCC,
        plan_id=plan.plan_id,
        inputs=given,
        recorded_by=USCC,
        today=TODAY,
    )
    assert len(entered) == 200 and not errors
    assert parts.batches.reads == 0  # the enrolment index alone: one get
    assert len(parts.result_store.commits) == 1  # one commit, all or nothing
    assert len(parts.result_batches.payloads) == 1  # the entries stored once, in bulk
    state = next(iter(parts.result_store.commits.values()))["state"]
    assert "entries" not in state and len(state["marks"]) == 200
    found = await results.entries(
        results=parts.results, entries_store=parts.result_batches, plan_id=plan.plan_id
    )
    assert [e.registration_id for e in found] == [r.registration_id for r in listed]
    assert sum(e.passed for e in found) == 100


async def test_a_big_import_reports_rows_checked_while_it_runs() -> None:
    parts = Parts()
    content = plan_content(expected_candidates=1200)
    lathe = content.subjects[0].model_copy(update={"method": AssessmentMethod.PROCESS})
    content = content.model_copy(update={"subjects": (lathe,)})
    plan = await plans.create(
        plans=parts.plans, institutions=parts.institutions, uscc=USCC, content=content
    )
    sheet = [(n + 1, CandidateForm.model_validate(candidate(n))) for n in range(1, 1201)]
    notes: list[tuple[str, int]] = []
    outcome = await candidates.register(
        plans=parts.plans,
        institutions=parts.institutions,
        enrolments=parts.enrolments,
        batches=parts.batches,
        uscc=USCC,
        plan_id=plan.plan_id,
        rows=sheet,
        progress=lambda stage, count: notes.append((stage, count)),
    )
    assert len(outcome.registered) == 1200
    assert notes == [("checking", 500), ("checking", 1000), ("checked", 1200), ("registered", 1200)]


class MemoryFiles:
    def __init__(self) -> None:
        self.stored: dict[str, Any] = {}

    async def save(self, **fields: Any) -> Any:
        import hashlib

        from skilleval_shared.storage.files import StoredFile

        content = fields.pop("content")
        stored = StoredFile(
            file_id=fields.pop("file_id"),
            size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            chunks=1,
            uploaded_at=TODAY,  # type: ignore[arg-type]
            **fields,
        )
        self.stored.setdefault(stored.file_id, stored)
        return self.stored[stored.file_id]

    async def get(self, file_id: str) -> Any:
        return self.stored.get(file_id)


async def test_a_photo_or_evidence_must_be_an_uploaded_file_of_the_plan() -> None:
    from skilleval_assessment.files import service as uploads
    from skilleval_shared.file_types import JPEG, PDF, CheckedUpload

    parts = Parts()
    files = MemoryFiles()
    plan = await plans.create(
        plans=parts.plans, institutions=parts.institutions, uscc=USCC, content=plan_content()
    )
    photo = await uploads.upload(
        plans=parts.plans,
        files=files,
        uscc=USCC,
        plan_id=plan.plan_id,
        checked=CheckedUpload("照片.jpg", JPEG, b"\xff\xd8\xff photo"),
    )
    proof = await uploads.upload(
        plans=parts.plans,
        files=files,
        uscc=USCC,
        plan_id=plan.plan_id,
        checked=CheckedUpload("获奖证书.pdf", PDF, b"%PDF-1.7 award"),
    )

    async def register(n: int, **fields: Any) -> Any:
        return await candidates.register_one(
            plans=parts.plans,
            institutions=parts.institutions,
            enrolments=parts.enrolments,
            batches=parts.batches,
            uscc=USCC,
            plan_id=plan.plan_id,
            form=CandidateForm.model_validate(candidate(n, **fields)),
            files=files,
        )

    with pytest.raises(InvalidRequest) as missing:
        await register(1, photo_sha256="ab" * 32)
    assert missing.value.errors[0]["field"] == "照片"
    assert "未上传" in missing.value.errors[0]["message"]
    with pytest.raises(InvalidRequest) as not_an_image:
        await register(1, photo_sha256=proof.sha256)
    assert "JPEG、PNG" in not_an_image.value.errors[0]["message"]
    assert (
        await candidates.registrations(
            enrolments=parts.enrolments, batches=parts.batches, plan_id=plan.plan_id
        )
        == []
    )  # nothing stored
    registered = await register(
        1,
        photo_sha256=photo.sha256,
        years_in_occupation=1,
        condition_id="x-4",
        ground="市级竞赛第二名",
        evidence_sha256=proof.sha256,
    )
    assert registered.candidate.photo_sha256 == photo.sha256
    assert registered.eligibility.evidence_sha256 == proof.sha256
    found = await uploads.find(
        plans=parts.plans, files=files, owner=None, plan_id=plan.plan_id, sha256=proof.sha256
    )
    assert found.filename == "获奖证书.pdf"
    with pytest.raises(NotFound):
        await uploads.find(
            plans=parts.plans,
            files=files,
            owner=CLIENT_USCC,
            plan_id=plan.plan_id,
            sha256=proof.sha256,
        )
