"""The filing API describes itself truthfully: every route answers a declared model, every
error is documented as problem+json, and no error message speaks English."""

from __future__ import annotations

import random

from fastapi.responses import StreamingResponse
from fastapi.routing import APIRoute

from skilleval_shared.problems import MEDIA_TYPE, contains_chinese
from support.filing_samples import make_uscc

PROBLEM_REF = "#/components/schemas/ProblemDocument"


async def test_every_route_declares_a_response_model(filing) -> None:
    undeclared = [
        f"{sorted(route.methods)} {route.path}"
        for route in filing.app.routes
        if isinstance(route, APIRoute)
        and route.include_in_schema
        and route.response_model is None
        and route.response_class is not StreamingResponse
    ]
    assert undeclared == []


async def test_every_error_response_is_documented_as_a_problem(filing) -> None:
    document = (await filing.get("/openapi.json")).json()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "422" in responses, (method, path)
            for status, response in responses.items():
                if int(status) >= 400:
                    schema = response["content"][MEDIA_TYPE]["schema"]
                    assert schema == {"$ref": PROBLEM_REF}, (method, path, status)
                    assert contains_chinese(response["description"])
            if operation.get("security"):
                assert {"401", "403"} <= set(responses), (method, path)


async def test_a_control_character_in_a_registration_is_a_422_in_chinese(filing) -> None:
    from support.filing_samples import registration

    body = registration(fresh_uscc(), name="青岛\u0000公司")
    response = await filing.post("/api/v1/enterprises", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    assert [error["field"] for error in response.json()["errors"]] == ["enterprise_name"]
    assert contains_chinese(response.json()["errors"][0]["message"])


async def test_an_enum_error_is_told_in_chinese(filing, enterprise_headers) -> None:
    headers = await enterprise_headers(fresh_uscc())
    created = await filing.post("/api/v1/filings", headers=headers)
    filing_id = created.json()["filing_id"]
    response = await filing.put(
        f"/api/v1/filings/{filing_id}/application", headers=headers, json={"nature": "国营"}
    )
    assert response.status_code == 422, response.text
    message = response.json()["errors"][0]["message"]
    assert message.startswith("取值应为以下之一") and "Input" not in message


def fresh_uscc() -> str:
    return make_uscc(random.randrange(1_000_000, 9_999_999))
