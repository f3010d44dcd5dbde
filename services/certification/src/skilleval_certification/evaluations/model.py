"""What certification knows of evaluation plans and results, from assessment's events."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

ACCEPTED = "accepted"


class Plan(BaseModel):
    model_config = ConfigDict(frozen=True)

    plan_id: str
    uscc: str
    status: str
    starts_on: date
    ends_on: date
    client_uscc: str | None = None


def person_key(id_type: str, id_number: str, occupation_code: str, level: int) -> str:
    """One person's results, and valid certificates, per occupation and level."""
    return f"{id_type}|{id_number}|{occupation_code}|{level}"


def plan_problem(plan: Plan | None, institution_uscc: str) -> str | None:
    if plan is None:
        return "评价考核方案不存在或尚未报送"
    if plan.uscc != institution_uscc:
        return "评价考核方案不属于该评价机构"
    if plan.status != ACCEPTED:
        return "评价考核方案未经审核同意"
    return None
