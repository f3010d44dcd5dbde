"""The one mapping of domain refusals onto problem documents."""

from __future__ import annotations

import pytest

from skilleval_shared import domain_errors as d
from skilleval_shared.problems import contains_chinese
from skilleval_shared.storage.aggregates import ConcurrentUpdate
from skilleval_shared.web.errors import problem_for


@pytest.mark.parametrize(
    ("error", "status", "slug"),
    [
        (d.NotAuthenticated("用户名或密码错误"), 401, "unauthorized"),
        (d.NotPermitted("无权执行"), 403, "forbidden"),
        (d.NotFound("备案申请不存在"), 404, "not-found"),
        (d.AlreadyExists("已注册"), 409, "already-exists"),
        (d.IllegalTransition("不能执行"), 409, "illegal-transition"),
        (d.Conflict("已有备案申请"), 409, "conflict"),
        (d.InvalidRequest("理由不能为空"), 422, "validation"),
        (d.TooManyAttempts("请稍后再试", retry_after_seconds=60), 429, "rate-limited"),
        (d.Unavailable("未配置"), 503, "service-unavailable"),
    ],
)
def test_each_domain_error_has_one_problem(error: d.DomainError, status: int, slug: str) -> None:
    problem = problem_for(error)
    assert (problem.status, problem.slug, problem.detail) == (status, slug, error.message)
    assert contains_chinese(problem.title)


def test_details_and_field_errors_travel_with_the_problem() -> None:
    error = d.Conflict("已有备案申请", filing_id="F-1")
    assert problem_for(error).to_dict()["filing_id"] == "F-1"
    invalid = d.InvalidRequest("不完整", errors=[{"field": "catalog", "message": "未填写"}])
    assert problem_for(invalid).to_dict()["errors"] == [{"field": "catalog", "message": "未填写"}]


def test_a_lockout_says_when_to_come_back() -> None:
    problem = problem_for(d.TooManyAttempts("请稍后再试", retry_after_seconds=90))
    assert problem.headers["Retry-After"] == "90"


def test_a_lost_race_is_a_conflict_in_chinese() -> None:
    problem = problem_for(ConcurrentUpdate("filing:x:2"))
    assert problem.status == 409 and contains_chinese(problem.detail or "")
