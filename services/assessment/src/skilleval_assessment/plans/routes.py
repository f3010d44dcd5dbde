"""评价考核方案: drafted by the enterprise, submitted, accepted or returned by the city centre."""

from __future__ import annotations

from fastapi import APIRouter, Query, status

from skilleval_assessment.plans import service
from skilleval_assessment.plans.model import Plan, PlanContent, PlanStatus
from skilleval_assessment.plans.schemas import ConditionList, PlanView, ReturnForm
from skilleval_assessment.plans.templates import default_conditions
from skilleval_assessment.web import (
    Container,
    Enterprise,
    EnterpriseOrStaff,
    Reviewer,
    actor_id,
    enterprise_uscc,
    owner_of,
)
from skilleval_shared.domain_errors import InvalidRequest
from skilleval_shared.events.assessment_parts import EligibilityTemplate
from skilleval_shared.validation import parse_levels
from skilleval_shared.web.errors import DomainErrorRoute

router = APIRouter(prefix="/api/v1", tags=["plans"], route_class=DomainErrorRoute)


def view(plan: Plan) -> PlanView:
    return PlanView.model_validate(plan.model_dump())


@router.get(
    "/eligibility-templates/{template}",
    summary="申报条件默认模板（2018版或2022版）",
    response_model=ConditionList,
)
async def eligibility_template(
    template: EligibilityTemplate,
    principal: EnterpriseOrStaff,
    levels: str = Query(default="5、4、3、2、1", title="等级", max_length=20),
) -> ConditionList:
    try:
        wanted = parse_levels(levels)
    except ValueError as error:  # a typed level list such as "5、x": the caller's mistake
        problem = [{"field": "levels", "message": str(error)}]
        raise InvalidRequest(str(error), errors=problem) from error
    return ConditionList(conditions=default_conditions(template, wanted))


@router.post(
    "/plans",
    status_code=status.HTTP_201_CREATED,
    summary="新建评价考核方案（草稿）",
    response_model=PlanView,
)
async def create_plan(content: PlanContent, principal: Enterprise, parts: Container) -> PlanView:
    plan = await service.create(
        plans=parts.plans,
        institutions=parts.enterprises,
        uscc=enterprise_uscc(principal),
        content=content,
    )
    return view(plan)


@router.get("/plans", summary="评价考核方案列表", response_model=list[PlanView])
async def list_plans(
    principal: EnterpriseOrStaff, parts: Container, state: PlanStatus | None = None
) -> list[PlanView]:
    found = await service.list_plans(plans=parts.plans, owner=owner_of(principal), status=state)
    return [view(plan) for plan in found]


@router.get("/plans/{plan_id}", summary="查看评价考核方案", response_model=PlanView)
async def get_plan(plan_id: str, principal: EnterpriseOrStaff, parts: Container) -> PlanView:
    found = await service.get(plans=parts.plans, plan_id=plan_id, owner=owner_of(principal))
    return view(found.state)


@router.put("/plans/{plan_id}", summary="修改评价考核方案（草稿或退回后）", response_model=PlanView)
async def update_plan(
    plan_id: str, content: PlanContent, principal: Enterprise, parts: Container
) -> PlanView:
    plan = await service.update(
        plans=parts.plans,
        institutions=parts.enterprises,
        uscc=enterprise_uscc(principal),
        plan_id=plan_id,
        content=content,
    )
    return view(plan)


@router.post(
    "/plans/{plan_id}/submit",
    summary="报送评价考核方案（参加评价人员名单随之冻结）",
    response_model=PlanView,
)
async def submit_plan(plan_id: str, principal: Enterprise, parts: Container) -> PlanView:
    plan = await service.submit(
        plans=parts.plans,
        enrolments=parts.enrolments,
        institutions=parts.enterprises,
        uscc=enterprise_uscc(principal),
        plan_id=plan_id,
        rules=parts.settings.staffing,
    )
    return view(plan)


@router.post("/plans/{plan_id}/accept", summary="受理评价考核方案", response_model=PlanView)
async def accept_plan(plan_id: str, principal: Reviewer, parts: Container) -> PlanView:
    plan = await service.accept(plans=parts.plans, plan_id=plan_id, decided_by=actor_id(principal))
    return view(plan)


@router.post("/plans/{plan_id}/return", summary="退回评价考核方案", response_model=PlanView)
async def return_plan(
    plan_id: str, form: ReturnForm, principal: Reviewer, parts: Container
) -> PlanView:
    plan = await service.return_plan(
        plans=parts.plans, plan_id=plan_id, decided_by=actor_id(principal), remarks=form.remarks
    )
    return view(plan)
