"""Domain refusals as problem documents: a router built with ``route_class=DomainErrorRoute``
lets handlers raise ``DomainError`` and ``ConcurrentUpdate`` and answers in RFC 9457 form.

It also answers pydantic's ``ValidationError`` raised inside a handler. Request bodies are
checked before the handler runs (that is ``RequestValidationError``), so one raised inside
comes from a model built from input the forms let through: above all an outgoing event
(service_layer/translate.py and the other use cases), whose shared schema is checked when the
event is built, before it is committed with the change. That is bad input, a 422 that changes
nothing, not a server error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import ValidationError

from skilleval_filing.domain.errors import (
    DomainError,
    IllegalTransition,
    InvalidRequest,
    NotPermitted,
)
from skilleval_filing.domain.materials import describe
from skilleval_filing.domain.submission import CATALOG_LABEL, IncompleteFiling
from skilleval_shared import problems
from skilleval_shared.storage.aggregates import ConcurrentUpdate

STALE = "数据已被他人修改，请刷新后重试"
UNFIT = "提交的内容不符合要求，请修改后重试"

logger = logging.getLogger(__name__)


def problem_for(error: DomainError | ConcurrentUpdate | ValidationError) -> problems.Problem:
    match error:
        case ValidationError():
            return _unfit(error)
        case ConcurrentUpdate():
            return problems.conflict(STALE)
        case NotPermitted():
            return problems.forbidden(error.message)
        case IllegalTransition():
            return problems.IllegalTransition(error.message)
        case IncompleteFiling():
            return _incomplete(error)
        case InvalidRequest():
            return problems.validation(error.message)
    return problems.validation(error.message)


def _unfit(error: ValidationError) -> problems.Problem:
    """Input that passed the forms but not a model built from it: the forms should have
    refused it, so say so in the log; the caller gets the field errors in Chinese."""
    found = error.errors(include_url=False, include_input=False)  # inputs may be personal
    where = [(".".join(map(str, item["loc"])), item["type"]) for item in found]
    logger.warning("input passed the forms but not %s: %s", error.title, where)
    return problems.validation(UNFIT, errors=problems.field_errors(found))


def _incomplete(error: IncompleteFiling) -> problems.Problem:
    """Everything missing, part by part, both in ``detail`` and as machine-readable lists."""
    errors = [
        {"field": f"application.{label}", "message": "未填写"} for label in error.missing_fields
    ]
    errors += [
        {"field": f"materials.{kind.value}", "message": f"未上传：{describe(kind)}"}
        for kind in error.missing_materials
    ]
    if error.catalog_missing:
        errors.append({"field": "catalog", "message": f"未填写{CATALOG_LABEL}"})
    return problems.validation(
        error.message,
        errors=errors,
        missing_fields=error.missing_fields,
        missing_materials=[
            {"item": kind.number, "kind": kind.value, "label": kind.label}
            for kind in error.missing_materials
        ],
        catalog_missing=error.catalog_missing,
    )


class DomainErrorRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except (DomainError, ConcurrentUpdate, ValidationError) as error:
                raise problem_for(error) from error

        return handle
