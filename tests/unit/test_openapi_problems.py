"""What `document_problems` adds to an OpenAPI document: each operation's possible problems.
The 400 and the login's 401 were missing until `make fuzz` received them (docs/fuzzing.md)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from skilleval_shared.problems import MEDIA_TYPE
from skilleval_shared.web.openapi import problem_openapi


class Credentials(BaseModel):
    username: str
    password: str


def documented() -> dict[str, Any]:
    app = FastAPI()

    @app.post("/api/v1/auth/token")
    def login(credentials: Credentials) -> dict[str, str]:
        return {"access_token": credentials.username}

    @app.put("/api/v1/things/{thing_id}")
    def replace(thing_id: str, credentials: Credentials) -> dict[str, str]:
        return {"thing_id": thing_id}

    @app.get("/api/v1/things/{thing_id}")
    def read(thing_id: str) -> dict[str, str]:
        return {"thing_id": thing_id}

    app.openapi = problem_openapi(app)  # type: ignore[method-assign]
    return app.openapi()


def responses(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]["responses"]
    return found


def test_an_operation_with_a_body_documents_the_400_for_a_body_it_cannot_decode() -> None:
    document = documented()
    replace = responses(document, "put", "/api/v1/things/{thing_id}")
    assert set(replace["400"]["content"]) == {MEDIA_TYPE}
    assert "400" not in responses(document, "get", "/api/v1/things/{thing_id}")


def test_the_login_documents_the_401_for_wrong_credentials() -> None:
    login = responses(documented(), "post", "/api/v1/auth/token")
    assert {"400", "401", "422", "429"} <= set(login)
    assert set(login["401"]["content"]) == {MEDIA_TYPE}
