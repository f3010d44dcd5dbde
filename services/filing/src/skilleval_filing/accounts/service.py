"""Enterprise self-registration, staff accounts and password login."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from skilleval_filing.accounts.throttle import LoginThrottle
from skilleval_filing.adapters.passwords import DUMMY_HASH, hash_password, verify_password
from skilleval_shared.auth import Principal, Role, TokenIssuer
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.events.filing import EnterpriseRegistered
from skilleval_shared.problems import already_exists, unauthorized
from skilleval_shared.storage.aggregates import AggregateStore, ConcurrentUpdate
from skilleval_shared.validation import USCC, Email, Phone

MIN_PASSWORD_LENGTH = 10
STAFF_ROLES = (Role.CITY_CENTER, Role.PROVINCE_CENTER, Role.ADMIN)


class EnterpriseRegistration(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    uscc: USCC = Field(title="统一社会信用代码")
    enterprise_name: str = Field(min_length=2, max_length=100, title="企业名称")
    contact_name: str = Field(min_length=1, max_length=64, title="联系人")
    contact_phone: Phone = Field(title="联系电话")
    email: Email = Field(title="企业电子邮箱")
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=128, title="密码")


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str = Field(min_length=1, max_length=64, title="用户名（企业填统一社会信用代码）")
    password: str = Field(min_length=1, max_length=128, title="密码")


def enterprise_account_id(uscc: str) -> str:
    return uscc.upper()


def staff_account_id(username: str) -> str:
    return f"staff:{username}"


async def register_enterprise(store: AggregateStore, form: EnterpriseRegistration) -> Principal:
    """One account per USCC: the version-1 commit of ``account:<USCC>`` happens at most once."""
    state = {
        "kind": "enterprise",
        "uscc": form.uscc,
        "enterprise_name": form.enterprise_name,
        "contact_name": form.contact_name,
        "contact_phone": form.contact_phone,
        "email": form.email,
        "password_hash": await hash_password(form.password),
        "created_at": utc_now().isoformat(),
    }
    event = wrap(
        EnterpriseRegistered(
            uscc=form.uscc,
            enterprise_name=form.enterprise_name,
            email=form.email,
            contact_name=form.contact_name,
            contact_phone=form.contact_phone,
        )
    )
    try:
        await store.commit(enterprise_account_id(form.uscc), 0, state, [event])
    except ConcurrentUpdate:
        raise already_exists("该统一社会信用代码已注册账号") from None
    return Principal(
        subject=form.uscc, role=Role.ENTERPRISE, uscc=form.uscc, name=form.enterprise_name
    )


async def create_staff(
    store: AggregateStore, *, username: str, role: Role, name: str, password: str
) -> None:
    if role not in STAFF_ROLES:
        raise ValueError(f"not a staff role: {role}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    state = {
        "kind": "staff",
        "username": username,
        "role": role.value,
        "name": name,
        "password_hash": await hash_password(password),
        "created_at": utc_now().isoformat(),
    }
    try:
        await store.commit(staff_account_id(username), 0, state)
    except ConcurrentUpdate:
        raise ValueError(f"staff account {username!r} already exists") from None


def _principal(state: dict[str, Any]) -> Principal:
    if state["kind"] == "enterprise":
        return Principal(
            subject=state["uscc"],
            role=Role.ENTERPRISE,
            uscc=state["uscc"],
            name=state["enterprise_name"],
        )
    return Principal(
        subject=staff_account_id(state["username"]), role=Role(state["role"]), name=state["name"]
    )


async def authenticate(
    store: AggregateStore, login: Login, throttle: LoginThrottle, client: str
) -> Principal:
    """The same answer for an unknown user and a wrong password: no account enumeration. A name
    with too many recent failed attempts from ``client`` is refused before any password check."""
    throttle.attempt(login.username, client)
    principal = await _check_password(store, login)
    throttle.succeeded(login.username, client)
    return principal


async def _check_password(store: AggregateStore, login: Login) -> Principal:
    candidates = (enterprise_account_id(login.username), staff_account_id(login.username))
    for account_id in candidates:
        account = await store.load(account_id)
        if account is not None:
            if await verify_password(account.state["password_hash"], login.password):
                return _principal(account.state)
            break
    else:
        # Spend the same time as a real check so timing does not reveal unknown accounts.
        await verify_password(DUMMY_HASH, login.password)
    raise unauthorized("用户名或密码错误")


def issue_token(issuer: TokenIssuer, principal: Principal, ttl_seconds: int) -> dict[str, Any]:
    return {
        "access_token": issuer.issue(principal),
        "token_type": "bearer",
        "expires_in": ttl_seconds,
        "role": principal.role.value,
        "name": principal.name,
    }
