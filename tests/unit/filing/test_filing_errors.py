"""How refusals raised inside a handler become problem documents."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, StringConstraints, ValidationError

from skilleval_shared.events.filing import ObjectionRaised
from skilleval_shared.problems import contains_chinese
from skilleval_shared.web.errors import problem_for


def refusal(**fields: object) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        ObjectionRaised.model_validate(
            {"uscc": "91350100M000100Y43", "filing_id": "91350100M000100Y43-1"}
            | {"objection_id": "o-1", "text": "异议"}
            | fields
        )
    return refused.value


def test_an_outgoing_event_refusing_the_input_is_a_422_in_chinese() -> None:
    problem = problem_for(refusal(text="新增铣工\u0007", contact_email="someone@example.com"))

    document = problem.to_dict()
    assert problem.status == 422
    assert document["type"].endswith("/validation")
    assert contains_chinese(document["title"]) and contains_chinese(document["detail"])
    assert document["errors"] == [{"field": "text", "message": "含有不可见的控制字符"}]
    assert "新增铣工" not in str(document) and "someone" not in str(document)


def test_every_refused_field_is_listed_in_chinese() -> None:
    class Part(BaseModel):
        name: Annotated[str, StringConstraints(max_length=2)]
        count: int

    with pytest.raises(ValidationError) as refused:
        Part.model_validate({"name": "abc", "count": "x"})

    errors = problem_for(refused.value).to_dict()["errors"]
    assert [error["field"] for error in errors] == ["name", "count"]
    assert all(contains_chinese(error["message"]) for error in errors)
