from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from skilleval_notification.bootstrap import smtp_pool
from skilleval_notification.contacts.service import ContactBook
from skilleval_notification.deliveries.service import Postman
from skilleval_notification.messages.model import TemplateBook
from skilleval_notification.settings import NotificationSettings
from skilleval_shared.auth import TokenIssuer
from skilleval_shared.settings import Settings
from support.mailpit import PrivateMailpit
from support.notification_samples import addresses

LOOKUP = "https://zs.example.cn/c/{number}"


@pytest.fixture
def tag(namespace: str) -> str:
    return namespace


@pytest.fixture
def notification_settings(
    make_settings: Callable[..., Settings], tag: str
) -> Callable[..., NotificationSettings]:
    def build(**overrides: Any) -> NotificationSettings:
        mail = addresses(tag)
        values: dict[str, Any] = {
            "city_center_email": mail.city_center,
            "province_center_email": mail.province_center,
            "certificate_lookup_url": LOOKUP,
            "delivery_backoff_seconds": 0.2,
            "delivery_backoff_max_seconds": 1.0,
            "delivery_retry_poll_seconds": 0.2,
            "delivery_stale_seconds": 1.0,
            "smtp_timeout_seconds": 5.0,
        }
        settings = make_settings("notification", NotificationSettings, **(values | overrides))
        assert isinstance(settings, NotificationSettings)
        return settings

    return build


@pytest.fixture
async def make_postman(
    mongo: AsyncMongoClient[dict[str, Any]],
) -> AsyncIterator[Callable[[NotificationSettings], Postman]]:
    made: list[Postman] = []

    def build(settings: NotificationSettings) -> Postman:
        db = mongo[settings.database_name]
        postman = Postman(
            db=db,
            settings=settings,
            pool=smtp_pool(settings),
            templates=TemplateBook(certificate_lookup_url=settings.certificate_lookup_url),
            contacts=ContactBook(db),
        )
        made.append(postman)
        return postman

    yield build
    for postman in made:
        await postman.pool.close()


@pytest.fixture
def private_mailpit(tmp_path: Path) -> Iterator[PrivateMailpit]:
    server = PrivateMailpit(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def issuer(jwt_keys: dict[str, str]) -> TokenIssuer:
    """Tokens as filing signs them, for the delivery log API."""
    return TokenIssuer(Path(jwt_keys["JWT_PRIVATE_KEY_FILE"]).read_text(), "skilleval-filing")
