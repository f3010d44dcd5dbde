"""Run one service process: FastAPI and its FastStream subscribers under one uvicorn server."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from skilleval_shared.settings import Settings


def serve(app: FastAPI, settings: Settings) -> None:
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,  # our JSON logging is configured in the app's lifespan
        access_log=False,
        timeout_graceful_shutdown=10,
    )
