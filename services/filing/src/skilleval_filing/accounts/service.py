"""Enterprise self-registration, staff accounts and password login."""

from __future__ import annotations

from skilleval_filing.accounts.model import (
    KIND,
    MIN_PASSWORD_LENGTH,
    STAFF_ACTORS,
    Account,
    AccountKind,
    enterprise_account_id,
    staff_account_id,
)
from skilleval_filing.accounts.throttle import LoginThrottle
from skilleval_filing.adapters.passwords import DUMMY_HASH, hash_password, verify_password
from skilleval_filing.filings.lifecycle import Actor
from skilleval_shared.domain_errors import AlreadyExists, NotAuthenticated
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.events.filing import EnterpriseRegistered
from skilleval_shared.repository import Repository, Store
from skilleval_shared.storage.aggregates import ConcurrentUpdate

AccountRepository = Repository[Account]

__all__ = ["KIND", "AccountRepository", "authenticate", "create_staff", "register_enterprise"]


def repository(store: Store) -> AccountRepository:
    return Repository(store, Account, missing="账号不存在")


async def register_enterprise(
    *,
    accounts: AccountRepository,
    uscc: str,
    enterprise_name: str,
    contact_name: str,
    contact_phone: str,
    email: str,
    password: str,
) -> Account:
    """One account per USCC: the version-1 commit of ``account:<USCC>`` happens at most once."""
    account = Account(
        kind=AccountKind.ENTERPRISE,
        uscc=uscc,
        enterprise_name=enterprise_name,
        contact_name=contact_name,
        contact_phone=contact_phone,
        email=email,
        password_hash=await hash_password(password),
        created_at=utc_now().isoformat(),
    )
    event = EnterpriseRegistered(
        uscc=uscc,
        enterprise_name=enterprise_name,
        email=email,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    try:
        await accounts.add(enterprise_account_id(uscc), account, [wrap(event)])
    except ConcurrentUpdate:
        raise AlreadyExists("该统一社会信用代码已注册账号") from None
    return account


async def create_staff(
    *, accounts: AccountRepository, username: str, role: Actor, name: str, password: str
) -> None:
    if role not in STAFF_ACTORS:
        raise ValueError(f"not a staff role: {role}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    account = Account(
        kind=AccountKind.STAFF,
        username=username,
        role=role,
        name=name,
        password_hash=await hash_password(password),
        created_at=utc_now().isoformat(),
    )
    try:
        await accounts.add(staff_account_id(username), account)
    except ConcurrentUpdate:
        raise ValueError(f"staff account {username!r} already exists") from None


async def authenticate(
    *,
    accounts: AccountRepository,
    username: str,
    password: str,
    throttle: LoginThrottle,
    client: str,
) -> Account:
    """The same answer for an unknown user and a wrong password: no account enumeration. A name
    with too many recent failed attempts from ``client`` is refused before any password check."""
    throttle.attempt(username, client)
    account = await _check_password(accounts, username, password)
    throttle.succeeded(username, client)
    return account


async def _check_password(accounts: AccountRepository, username: str, password: str) -> Account:
    for account_id in (enterprise_account_id(username), staff_account_id(username)):
        found = await accounts.load(account_id)
        if found is not None:
            if await verify_password(found.state.password_hash, password):
                return found.state
            break
    else:
        # Spend the same time as a real check so timing does not reveal unknown accounts.
        await verify_password(DUMMY_HASH, password)
    raise NotAuthenticated("用户名或密码错误")
