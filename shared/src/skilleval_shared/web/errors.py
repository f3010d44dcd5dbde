"""Domain refusals as RFC 9457 problems: the one mapping every service's routes share.

Routers built with ``route_class=DomainErrorRoute`` let handlers raise ``DomainError`` (and
``ConcurrentUpdate``) and answer in ``application/problem+json``. It also answers pydantic's
``ValidationError`` raised inside a handler: request bodies are checked before the handler runs
(that is ``RequestValidationError``), so one raised inside comes from a model built from input
the request model let through. That is bad input, a 422 that changes nothing, not a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import ValidationError

from skilleval_shared import domain_errors as d
from skilleval_shared import problems
from skilleval_shared.storage.aggregates import ConcurrentUpdate

STALE = "数据已被他人修改，请刷新后重试"
UNFIT = "提交的内容不符合要求，请修改后重试"

logger = logging.getLogger(__name__)

_PROBLEMS: tuple[tuple[type[d.DomainError], type[problems.Problem]], ...] = (
    (d.NotAuthenticated, problems.Unauthorized),
    (d.NotPermitted, problems.Forbidden),
    (d.NotFound, problems.NotFound),
    (d.AlreadyExists, problems.AlreadyExists),
    (d.IllegalTransition, problems.IllegalTransition),
    (d.Conflict, problems.Conflict),
    (d.InvalidRequest, problems.ValidationProblem),
    (d.TooManyAttempts, problems.RateLimited),
    (d.Unavailable, problems.ServiceUnavailable),
)


def problem_for(error: d.DomainError | ConcurrentUpdate | ValidationError) -> problems.Problem:
    if isinstance(error, ValidationError):
        return _unfit(error)
    if isinstance(error, ConcurrentUpdate):
        return problems.conflict(STALE)
    problem_class = next(
        (problem for domain, problem in _PROBLEMS if isinstance(error, domain)),
        problems.ValidationProblem,
    )
    headers = (
        {"Retry-After": str(error.retry_after_seconds)}
        if isinstance(error, d.TooManyAttempts)
        else None
    )
    return problem_class(error.message, errors=error.errors, headers=headers, **error.details)


def _unfit(error: ValidationError) -> problems.Problem:
    """Input that passed the request model but not a model built from it: say so in the log
    (without the inputs, which may be personal); the caller gets the field errors in Chinese."""
    found = error.errors(include_url=False, include_input=False)
    where = [(".".join(map(str, item["loc"])), item["type"]) for item in found]
    logger.warning("input passed the request model but not %s: %s", error.title, where)
    return problems.validation(UNFIT, errors=problems.field_errors(found))


class DomainErrorRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except (d.DomainError, ConcurrentUpdate, ValidationError) as error:
                raise problem_for(error) from error

        return handle
