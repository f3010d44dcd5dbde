"""The default eligibility template takes a typed level list; a wrong one is the caller's
mistake (422 in Chinese), not a server error. Found by `make fuzz` (docs/fuzzing.md)."""

from __future__ import annotations

import pytest

from skilleval_shared.auth import Role
from skilleval_shared.problems import MEDIA_TYPE, contains_chinese
from support.assessment_samples import USCC

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("levels", ["µ", "5、x", "\x0e1", "5、5", "、"])
async def test_a_level_list_that_is_not_levels_is_a_422(assessment, headers, levels) -> None:
    response = await assessment.get(
        "/api/v1/eligibility-templates/2022",
        params={"levels": levels},
        headers=headers(Role.ENTERPRISE, USCC),
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    [error] = response.json()["errors"]
    assert error["field"] == "levels" and contains_chinese(error["message"])


async def test_a_level_list_gives_the_conditions_of_those_levels(assessment, headers) -> None:
    response = await assessment.get(
        "/api/v1/eligibility-templates/2022",
        params={"levels": "4、3"},
        headers=headers(Role.CITY_CENTER),
    )
    assert response.status_code == 200, response.text
    assert {condition["level"] for condition in response.json()["conditions"]} == {4, 3}
