"""What the account endpoints take and answer."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from skilleval_filing.accounts.model import MIN_PASSWORD_LENGTH
from skilleval_shared.fields import USCC, Email, Name, Phone, ShortText


class EnterpriseRegistration(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    uscc: USCC = Field(title="统一社会信用代码")
    enterprise_name: ShortText = Field(min_length=2, title="企业名称")
    contact_name: Name = Field(title="联系人")
    contact_phone: Phone = Field(title="联系电话")
    email: Email = Field(title="企业电子邮箱")
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=128, title="密码")


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str = Field(min_length=1, max_length=64, title="用户名（企业填统一社会信用代码）")
    password: str = Field(min_length=1, max_length=128, title="密码")


class Registered(BaseModel):
    uscc: str = Field(title="统一社会信用代码")
    enterprise_name: str = Field(title="企业名称")


class Token(BaseModel):
    access_token: str = Field(title="访问令牌（JWT）")
    token_type: str = Field(title="令牌类型", examples=["bearer"])
    expires_in: int = Field(title="有效期（秒）")
    role: str = Field(title="角色")
    name: str | None = Field(default=None, title="名称")


class Me(BaseModel):
    subject: str = Field(title="账号")
    role: str = Field(title="角色")
    uscc: str | None = Field(default=None, title="统一社会信用代码（企业）")
    name: str | None = Field(default=None, title="名称")


class Jwks(BaseModel):
    keys: list[dict[str, Any]] = Field(title="公钥（JWK）")
