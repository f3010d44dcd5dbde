"""The accounts service against the in-memory store: no database, no Kafka."""

from __future__ import annotations

import pytest

from skilleval_filing.accounts import service
from skilleval_filing.accounts.throttle import LoginThrottle
from skilleval_filing.filings.lifecycle import Actor
from skilleval_shared.domain_errors import AlreadyExists, NotAuthenticated
from skilleval_shared.events.filing import EnterpriseRegistered
from support.memory_store import MemoryStore

USCC = "91350100M000100Y43"
PASSWORD = "enterprise-pass-123"


def registration() -> dict[str, str]:
    return {
        "uscc": USCC,
        "enterprise_name": "青岛示例机械有限公司",
        "contact_name": "李联系",
        "contact_phone": "13800138000",
        "email": "hr@example.com",
        "password": PASSWORD,
    }


async def test_registration_commits_the_account_with_its_event() -> None:
    store = MemoryStore("account")
    account = await service.register_enterprise(
        accounts=service.repository(store), **registration()
    )

    assert account.actor is Actor.ENTERPRISE and account.subject == USCC
    assert store.event_types() == [EnterpriseRegistered.event_type()]


async def test_a_second_registration_of_one_uscc_is_refused() -> None:
    accounts = service.repository(MemoryStore("account"))
    await service.register_enterprise(accounts=accounts, **registration())
    with pytest.raises(AlreadyExists):
        await service.register_enterprise(accounts=accounts, **registration())


async def test_login_tells_unknown_names_and_wrong_passwords_apart_to_nobody() -> None:
    accounts = service.repository(MemoryStore("account"))
    await service.register_enterprise(accounts=accounts, **registration())
    throttle = LoginThrottle(10, 900)

    found = await service.authenticate(
        accounts=accounts, username=USCC, password=PASSWORD, throttle=throttle, client="a"
    )
    assert found.uscc == USCC
    for username, password in ((USCC, "wrong-password"), ("nobody", PASSWORD)):
        with pytest.raises(NotAuthenticated, match="用户名或密码错误"):
            await service.authenticate(
                accounts=accounts,
                username=username,
                password=password,
                throttle=throttle,
                client="a",
            )


async def test_staff_accounts_log_in_by_username() -> None:
    accounts = service.repository(MemoryStore("account"))
    await service.create_staff(
        accounts=accounts, username="wang", role=Actor.CITY_CENTER, name="王", password=PASSWORD
    )
    found = await service.authenticate(
        accounts=accounts,
        username="wang",
        password=PASSWORD,
        throttle=LoginThrottle(10, 900),
        client="a",
    )
    assert (found.actor, found.subject) == (Actor.CITY_CENTER, "staff:wang")
