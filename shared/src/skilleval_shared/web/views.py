"""The base of response models: documents the answer's fields in OpenAPI."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class View(BaseModel):
    """A response body. Extra members a view adds later are passed on, never silently dropped."""

    model_config = ConfigDict(extra="allow")
