from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, Field

from skilleval_shared.problems import (
    MEDIA_TYPE,
    UNREADABLE_BODY,
    AlreadyExists,
    Conflict,
    IllegalTransition,
    NotFound,
    Problem,
    Unauthorized,
    field_errors,
    install_problem_handlers,
    not_found,
    payload_too_large,
    rate_limited,
    unauthorized,
    unsupported_media_type,
    validation,
)
from skilleval_shared.validation import USCC, LevelSet


class Address(BaseModel):
    city: str = Field(min_length=2)


class Application(BaseModel):
    uscc: USCC
    name: str = Field(min_length=2, max_length=10)
    staff: int = Field(ge=1)
    levels: LevelSet
    address: Address


def build_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/applications")
    def create(application: Application) -> dict[str, str]:
        return {"uscc": application.uscc}

    @app.get("/items/{item_id}")
    def read(item_id: int, page: Annotated[int, Query(ge=1)] = 1) -> dict[str, int]:
        if item_id == 0:
            raise not_found("证书不存在", certificate_number="Y0000")
        return {"item_id": item_id}

    @app.post("/filings/{filing_id}/approve")
    def approve(filing_id: str) -> None:
        raise IllegalTransition(
            "当前状态“已撤回”不允许执行“审核通过”", state="已撤回", action="审核通过"
        )

    @app.get("/legacy")
    def legacy() -> None:
        raise HTTPException(status_code=409, detail="Something English")

    @app.get("/legacy-chinese")
    def legacy_chinese() -> None:
        raise HTTPException(status_code=404, detail="企业不存在")

    @app.get("/limited")
    def limited() -> None:
        raise rate_limited(30)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret connection string mongodb://admin:pw@db")

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def valid_application(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "uscc": "91350100M000100Y43",
        "name": "某某机械",
        "staff": 10,
        "levels": "5、4、3",
        "address": {"city": "青岛"},
    }
    return body | changes


def assert_problem(response: Any, status: int, slug: str, title: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["type"] == f"https://skilleval.cn/problems/{slug}"
    assert body["title"] == title
    assert body["status"] == status
    return body


async def test_valid_request_passes(client: httpx.AsyncClient) -> None:
    response = await client.post("/applications", json=valid_application(uscc="91350100m000100y43"))
    assert response.status_code == 200
    assert response.json() == {"uscc": "91350100M000100Y43"}


async def test_problem_with_extension_member(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/items/0"), 404, "not-found", "资源不存在")
    assert body["detail"] == "证书不存在"
    assert body["instance"] == "/items/0"
    assert body["certificate_number"] == "Y0000"


async def test_illegal_transition_is_a_conflict(client: httpx.AsyncClient) -> None:
    response = await client.post("/filings/F1/approve")
    body = assert_problem(response, 409, "illegal-transition", "当前状态不允许此操作")
    assert body["detail"] == "当前状态“已撤回”不允许执行“审核通过”"
    assert body["state"] == "已撤回"


async def test_validation_errors_are_translated(client: httpx.AsyncClient) -> None:
    body_in = valid_application(uscc="91350100M000100Y44", name="某", staff="many", levels="5、6")
    del body_in["address"]
    body = assert_problem(
        await client.post("/applications", json=body_in), 422, "validation", "请求数据不合法"
    )
    assert body["errors"] == [
        {"field": "uscc", "message": "统一社会信用代码校验位错误"},
        {"field": "name", "message": "长度不能少于 2 个字符"},
        {"field": "staff", "message": "应为整数"},
        {"field": "levels", "message": "技能等级“6”超出范围，应为1至5"},
        {"field": "address", "message": "缺少必填字段"},
    ]
    assert body["detail"] == "共有 5 处错误"
    assert body["instance"] == "/applications"


async def test_nested_field_names_are_dotted(client: httpx.AsyncClient) -> None:
    response = await client.post("/applications", json=valid_application(address={"city": "青"}))
    body = assert_problem(response, 422, "validation", "请求数据不合法")
    assert body["errors"] == [{"field": "address.city", "message": "长度不能少于 2 个字符"}]
    assert body["detail"] == "address.city：长度不能少于 2 个字符"


async def test_invalid_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/applications", content=b'{"uscc": ', headers={"content-type": "application/json"}
    )
    body = assert_problem(response, 422, "validation", "请求数据不合法")
    assert body["errors"] == [{"field": "body", "message": "提交的内容格式有误，无法识别"}]


async def test_missing_body(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.post("/applications"), 422, "validation", "请求数据不合法")
    assert body["errors"] == [{"field": "body", "message": "缺少请求体"}]


async def test_query_and_path_errors(client: httpx.AsyncClient) -> None:
    body = assert_problem(
        await client.get("/items/abc?page=0"), 422, "validation", "请求数据不合法"
    )
    assert body["errors"] == [
        {"field": "path.item_id", "message": "应为整数"},
        {"field": "query.page", "message": "不能小于 1"},
    ]


async def test_unknown_route_is_not_found(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/nowhere"), 404, "not-found", "资源不存在")
    assert "detail" not in body
    assert body["instance"] == "/nowhere"


async def test_wrong_method(client: httpx.AsyncClient) -> None:
    response = await client.delete("/items/1")
    assert_problem(response, 405, "method-not-allowed", "不支持的请求方法")
    assert response.headers["allow"] == "GET"


async def test_http_exception_detail_kept_only_when_chinese(client: httpx.AsyncClient) -> None:
    english = assert_problem(await client.get("/legacy"), 409, "conflict", "状态冲突")
    assert "detail" not in english
    chinese = assert_problem(await client.get("/legacy-chinese"), 404, "not-found", "资源不存在")
    assert chinese["detail"] == "企业不存在"


async def test_rate_limited_sets_retry_after(client: httpx.AsyncClient) -> None:
    response = await client.get("/limited")
    assert_problem(response, 429, "rate-limited", "请求过于频繁")
    assert response.headers["retry-after"] == "30"


async def test_unexpected_error_leaks_nothing(client: httpx.AsyncClient) -> None:
    response = await client.get("/boom")
    body = assert_problem(response, 500, "internal-error", "内部错误")
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert "RuntimeError" not in response.text
    assert body["instance"] == "/boom"


def test_factories() -> None:
    assert unauthorized().headers == {"WWW-Authenticate": "Bearer"}
    assert Unauthorized("x", headers={"X-Trace": "1"}).headers == {
        "WWW-Authenticate": "Bearer",
        "X-Trace": "1",
    }
    assert payload_too_large(10 * 1024 * 1024).detail == "内容大小超过上限 10 MB"
    assert unsupported_media_type(["application/pdf", "image/png"]).to_dict()["allowed"] == [
        "application/pdf",
        "image/png",
    ]
    assert isinstance(AlreadyExists(), Conflict)
    assert isinstance(not_found(), NotFound)
    single = validation(errors=[{"field": "uscc", "message": "统一社会信用代码校验位错误"}])
    assert single.status == 422
    assert single.detail == "uscc：统一社会信用代码校验位错误"


def test_problem_to_dict_and_reserved_members() -> None:
    problem = Problem("出错了", status=502, slug="upstream", title="上游错误")
    assert problem.to_dict("/x") == {
        "type": "https://skilleval.cn/problems/upstream",
        "title": "上游错误",
        "status": 502,
        "detail": "出错了",
        "instance": "/x",
    }
    clashing: dict[str, Any] = {"instance": "/y"}
    with pytest.raises(TypeError):
        Problem(status=400, title="x", **clashing)


def test_field_errors_translates_common_pydantic_types() -> None:
    errors: list[dict[str, Any]] = [
        {"type": "literal_error", "loc": ("body", "role"), "ctx": {"expected": "'a', 'b' or 'c'"}},
        {"type": "string_too_long", "loc": ("body", "items", 0, "name"), "ctx": {"max_length": 5}},
        {"type": "some_new_type", "loc": ("body", "x"), "msg": "Something in English"},
        {"type": "value_error", "loc": ("body", "y"), "msg": "Value error, bad thing"},
    ]
    assert field_errors(errors) == [
        {"field": "role", "message": "取值应为以下之一：'a'、'b'、'c'"},
        {"field": "items.0.name", "message": "长度不能超过 5 个字符"},
        {"field": "x", "message": "字段值不合法"},
        {"field": "y", "message": "字段值不合法"},
    ]


async def test_a_body_that_cannot_be_decoded_is_a_400_told_in_chinese(
    client: httpx.AsyncClient,
) -> None:
    # Found by `make fuzz`: FastAPI answers bytes that are not UTF-8 with an English 400.
    response = await client.post(
        "/applications", content=b"\x12\xefm", headers={"content-type": "application/json"}
    )
    body = assert_problem(response, 400, "bad-request", "请求无效")
    assert body["detail"] == UNREADABLE_BODY
