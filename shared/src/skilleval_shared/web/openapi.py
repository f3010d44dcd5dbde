"""OpenAPI that tells the truth about errors: every error answer is ``application/problem+json``
(RFC 9457) with a Chinese ``title``; FastAPI's default 422 schema is replaced, and each operation
lists the problems it can answer with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from skilleval_shared.problems import MEDIA_TYPE

PUBLIC_PREFIX = "/api/v1/public/"
_DESCRIPTIONS = {
    "400": "请求体无法解析（如不是 UTF-8 编码的 JSON，或 multipart 格式残缺）",
    "401": "未登录或登录已过期",
    "403": "无权访问",
    "404": "资源不存在",
    "409": "状态冲突（含数据已被他人修改）",
    "413": "上传内容过大",
    "415": "不支持的内容类型",
    "422": "请求数据不合法（errors 列出每个字段及中文原因）",
    "429": "请求过于频繁（Retry-After 给出等待秒数）",
    "500": "内部错误",
}


class FieldError(BaseModel):
    field: str = Field(title="字段（如 application.email）")
    message: str = Field(title="中文原因")


class ProblemDocument(BaseModel):
    """RFC 9457 problem details; an answer may add extension members."""

    type: str = Field(title="问题类型（稳定的 URI）")
    title: str = Field(title="中文标题")
    status: int = Field(title="HTTP 状态码")
    detail: str | None = Field(default=None, title="中文说明")
    instance: str | None = Field(default=None, title="请求路径")
    errors: list[FieldError] | None = Field(default=None, title="字段错误")


def _statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    found = ["422", "500"]
    if operation.get("security"):
        found += ["401", "403"]
    if path.startswith("/api/v1/auth/"):
        found.append("401")  # a wrong user name or password
    if "{" in path or operation.get("security"):
        found.append("404")
    if method in ("post", "put", "patch", "delete"):
        found.append("409")
    body = operation.get("requestBody", {}).get("content", {})
    if body:
        found.append("400")  # FastAPI's answer to a body it cannot even decode
    if "multipart/form-data" in body:
        found += ["413", "415"]
    if path.startswith(PUBLIC_PREFIX) or path.startswith(("/api/v1/auth/", "/api/v1/enterprises")):
        found.append("429")
    return sorted(set(found))


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ProblemDocument"] = ProblemDocument.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    for nested, definition in components["ProblemDocument"].pop("$defs", {}).items():
        components[nested] = definition
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    problem = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDocument"}}}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in _statuses(path, method, operation):
                responses[status] = {"description": _DESCRIPTIONS[status], "content": problem}
    return schema


def problem_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    return openapi
