"""RFC 9457 problem details (``application/problem+json``) with Chinese titles, for FastAPI.

Handlers raise a ``Problem`` (usually through a factory such as ``not_found()``);
``install_problem_handlers`` turns it, request validation errors, Starlette HTTP errors and any
unexpected exception into a problem response whose ``instance`` is the request path.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://skilleval.cn/problems/"
_RESERVED_MEMBERS = frozenset({"type", "title", "status", "detail", "instance", "errors"})

logger = logging.getLogger(__name__)


def problem_type(slug: str) -> str:
    """The stable ``type`` URI of a kind of problem."""
    return f"{TYPE_BASE}{slug}"


class Problem(Exception):
    """An error that reaches the client as a problem document.

    Subclasses fix ``status``, ``slug`` and ``title``; an instance adds ``detail``, field
    ``errors`` (``{"field": "a.b", "message": "中文"}``), extension members and headers.
    """

    status: int = 500
    slug: str = "internal-error"
    title: str = "内部错误"
    default_headers: ClassVar[Mapping[str, str]] = {}

    def __init__(
        self,
        detail: str | None = None,
        *,
        status: int | None = None,
        slug: str | None = None,
        title: str | None = None,
        errors: Sequence[Mapping[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        clashing = _RESERVED_MEMBERS.intersection(extensions)
        if clashing:
            raise TypeError(f"extension members clash with standard members: {sorted(clashing)}")
        if status is not None:
            self.status = status
        if slug is not None:
            self.slug = slug
        if title is not None:
            self.title = title
        self.detail = detail
        self.errors = [dict(error) for error in errors] if errors else []
        self.headers = {**self.default_headers, **(headers or {})}
        self.extensions = extensions
        super().__init__(detail or self.title)

    @property
    def type(self) -> str:
        return problem_type(self.slug)

    def to_dict(self, instance: str | None = None) -> dict[str, Any]:
        document: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status}
        if self.detail:
            document["detail"] = self.detail
        if instance:
            document["instance"] = instance
        if self.errors:
            document["errors"] = self.errors
        document.update(self.extensions)
        return document

    def to_response(self, instance: str | None = None) -> JSONResponse:
        return JSONResponse(
            jsonable_encoder(self.to_dict(instance)),
            status_code=self.status,
            headers=self.headers or None,
            media_type=MEDIA_TYPE,
        )


class BadRequest(Problem):
    status, slug, title = 400, "bad-request", "请求无效"


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "未登录或登录已过期"
    default_headers: ClassVar[Mapping[str, str]] = {"WWW-Authenticate": "Bearer"}


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "无权访问"


class NotFound(Problem):
    status, slug, title = 404, "not-found", "资源不存在"


class MethodNotAllowed(Problem):
    status, slug, title = 405, "method-not-allowed", "不支持的请求方法"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "状态冲突"


class AlreadyExists(Conflict):
    slug, title = "already-exists", "数据已存在"


class IllegalTransition(Conflict):
    slug, title = "illegal-transition", "当前状态不允许此操作"


class PayloadTooLarge(Problem):
    status, slug, title = 413, "payload-too-large", "上传内容过大"


class UnsupportedMediaType(Problem):
    status, slug, title = 415, "unsupported-media-type", "不支持的内容类型"


class ValidationProblem(Problem):
    status, slug, title = 422, "validation", "请求数据不合法"


class RateLimited(Problem):
    status, slug, title = 429, "rate-limited", "请求过于频繁"


class InternalError(Problem):
    status, slug, title = 500, "internal-error", "内部错误"


class ServiceUnavailable(Problem):
    status, slug, title = 503, "service-unavailable", "服务暂不可用"


def not_found(detail: str | None = None, **extensions: Any) -> NotFound:
    return NotFound(detail, **extensions)


def forbidden(detail: str | None = None, **extensions: Any) -> Forbidden:
    return Forbidden(detail, **extensions)


def unauthorized(detail: str | None = None, **extensions: Any) -> Unauthorized:
    return Unauthorized(detail, **extensions)


def conflict(detail: str | None = None, **extensions: Any) -> Conflict:
    return Conflict(detail, **extensions)


def already_exists(detail: str | None = None, **extensions: Any) -> AlreadyExists:
    return AlreadyExists(detail, **extensions)


def validation(
    detail: str | None = None,
    *,
    errors: Sequence[Mapping[str, str]] | None = None,
    **extensions: Any,
) -> ValidationProblem:
    """A domain-level validation failure, e.g. ``validation(errors=[{"field": ..., ...}])``."""
    if detail is None and errors:
        detail = _summary(errors)
    return ValidationProblem(detail, errors=errors, **extensions)


def field_error(field: str, message: str) -> ValidationProblem:
    """A validation problem about one field."""
    return validation(errors=[{"field": field, "message": message}])


def payload_too_large(limit_bytes: int | None = None, **extensions: Any) -> PayloadTooLarge:
    if limit_bytes is None:
        return PayloadTooLarge(**extensions)
    return PayloadTooLarge(
        f"内容大小超过上限 {_human_size(limit_bytes)}", limit_bytes=limit_bytes, **extensions
    )


def unsupported_media_type(
    allowed: Sequence[str] | None = None, **extensions: Any
) -> UnsupportedMediaType:
    if not allowed:
        return UnsupportedMediaType(**extensions)
    return UnsupportedMediaType(
        f"文件内容与可接受的类型不符（只接受 {'、'.join(allowed)} 文件）；"
        "请检查文件内容与扩展名是否相符",
        allowed=list(allowed),
        **extensions,
    )


def rate_limited(retry_after_seconds: int | None = None, **extensions: Any) -> RateLimited:
    if retry_after_seconds is None:
        return RateLimited("请稍后再试", **extensions)
    return RateLimited(
        f"请在 {retry_after_seconds} 秒后再试",
        headers={"Retry-After": str(retry_after_seconds)},
        **extensions,
    )


def _human_size(size: int) -> str:
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} 字节"


def _summary(errors: Sequence[Mapping[str, str]]) -> str:
    if len(errors) == 1:
        only = errors[0]
        field = only.get("field")
        return f"{field}：{only['message']}" if field else only["message"]
    return f"共有 {len(errors)} 处错误"


_CHINESE = re.compile(r"[\u3400-\u9fff]")
_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")
# Pydantic error type -> Chinese message; ``{name}`` placeholders come from the error's ctx.
_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "json_invalid": "提交的内容格式有误，无法识别",
    "json_type": "提交的内容格式有误，无法识别",
    "string_type": "应为字符串",
    "string_too_short": "长度不能少于 {min_length} 个字符",
    "string_too_long": "长度不能超过 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "string_unicode": "含有无法识别的字符",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "finite_number": "应为有限的数字",
    "bool_type": "应为布尔值",
    "bool_parsing": "应为布尔值",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多允许 {max_length} 项",
    "list_type": "应为数组",
    "set_type": "应为数组",
    "frozen_set_type": "应为数组",
    "tuple_type": "应为数组",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "enum": "取值应为以下之一：{expected}",
    "literal_error": "取值应为以下之一：{expected}",
    "date_type": "应为日期，格式 YYYY-MM-DD",
    "date_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期，不能包含时间",
    "date_future": "日期应晚于今天",
    "date_past": "日期应早于今天",
    "datetime_type": "应为日期时间（ISO 8601）",
    "datetime_parsing": "应为日期时间（ISO 8601）",
    "datetime_from_date_parsing": "应为日期时间（ISO 8601）",
    "timezone_aware": "日期时间应包含时区",
    "time_type": "应为时间",
    "time_parsing": "应为时间",
    "uuid_type": "应为 UUID",
    "uuid_parsing": "应为 UUID",
    "url_type": "应为合法的网址",
    "url_parsing": "应为合法的网址",
    "url_scheme": "网址协议不受支持",
    "bytes_type": "应为二进制数据",
    "bytes_too_short": "内容太短",
    "bytes_too_long": "内容太长",
    "none_required": "应为空",
    "union_tag_invalid": "所选类别不在可选范围内",
    "union_tag_not_found": "未选择类别",
}
_FALLBACK_MESSAGE = "字段值不合法"
_ALTERNATIVES = re.compile(r",\s*|\s+or\s+")  # pydantic's "'a', 'b' or 'c'"


def contains_chinese(text: str) -> bool:
    return _CHINESE.search(text) is not None


def _message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "missing" and tuple(error.get("loc", ())) == ("body",):
        return "缺少请求体"
    raw = context.get("error")
    # Only our own validators' words are passed on: pydantic's English ``msg`` may quote Chinese
    # input or enum values ("Input should be '国有', …") and must not pass for Chinese.
    text = str(raw) if raw is not None else ""
    for prefix in _PYDANTIC_PREFIXES:
        text = text.removeprefix(prefix)
    if contains_chinese(text):
        return text  # our own validators speak Chinese already
    template = _MESSAGES.get(kind)
    if template is None:
        return _FALLBACK_MESSAGE
    values = {key: str(value) for key, value in context.items()}
    if "expected" in values:
        values["expected"] = "、".join(_ALTERNATIVES.split(values["expected"]))
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return _FALLBACK_MESSAGE


def _field(error: Mapping[str, Any]) -> str:
    parts = list(error.get("loc", ()))
    if parts and parts[0] == "body":
        parts = parts[1:]
    if error.get("type") == "json_invalid":
        parts = []  # its location is a byte offset, not a field
    # Union members and validator wrappers appear as tags such as "function-after[...]".
    names = [str(part) for part in parts if not (isinstance(part, str) and "[" in part)]
    return ".".join(names) or "body"


def field_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Pydantic/FastAPI errors as ``[{"field": "a.b", "message": "中文"}]``."""
    translated: list[dict[str, str]] = []
    for error in errors:
        item = {"field": _field(error), "message": _message(error)}
        if item not in translated:
            translated.append(item)
    return translated


_HTTP_PROBLEMS: dict[int, type[Problem]] = {
    problem_class.status: problem_class
    for problem_class in (
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        Conflict,
        PayloadTooLarge,
        UnsupportedMediaType,
        ValidationProblem,
        RateLimited,
        InternalError,
        ServiceUnavailable,
    )
}
_OTHER_HTTP_TITLES = {406: "不支持请求的响应格式", 408: "请求超时", 410: "资源已不存在"}


# FastAPI answers 400 (in English) to a body it cannot decode at all, e.g. JSON not in UTF-8.
UNREADABLE_BODY = "请求体无法解析，请检查其编码（UTF-8）与格式"


def _from_http_exception(exc: StarletteHTTPException) -> Problem:
    detail = exc.detail if isinstance(exc.detail, str) and contains_chinese(exc.detail) else None
    if detail is None and exc.status_code == 400:
        detail = UNREADABLE_BODY
    headers = dict(exc.headers or {})
    problem_class = _HTTP_PROBLEMS.get(exc.status_code)
    if problem_class is not None:
        return problem_class(detail, headers=headers)
    fallback_title = "请求失败" if exc.status_code < 500 else "内部错误"
    title = _OTHER_HTTP_TITLES.get(exc.status_code, fallback_title)
    slug = f"http-{exc.status_code}"
    return Problem(detail, status=exc.status_code, slug=slug, title=title, headers=headers)


async def _handle_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return exc.to_response(request.url.path)


async def _handle_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return validation(errors=field_errors(exc.errors())).to_response(request.url.path)


async def _handle_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return _from_http_exception(exc).to_response(request.url.path)


async def _handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return InternalError("服务器处理请求时发生错误，请稍后再试").to_response(request.url.path)


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error response of ``app`` a problem document."""
    app.add_exception_handler(Problem, _handle_problem)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    app.add_exception_handler(Exception, _handle_unexpected)
