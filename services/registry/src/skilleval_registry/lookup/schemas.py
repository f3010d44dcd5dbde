"""What the public lookup answers: a certificate with its holder masked."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from skilleval_registry.talent.model import normalised_id, normalised_name

NUMBER = re.compile(r"[YS][0-9]{21}")


def _number(value: str) -> str:
    number = normalised_id(value)
    if not NUMBER.fullmatch(number):
        raise ValueError("证书编号应为1位大写字母（Y或S）加21位数字")
    return number


def _id_number(value: str) -> str:
    number = normalised_id(value)
    if not 5 <= len(number) <= 30 or not re.fullmatch(r"[0-9A-Z()-]+", number):
        raise ValueError("证件号码应为5至30位字母、数字、括号或连字符")
    return number


def _name(value: str) -> str:
    name = normalised_name(value)
    if not 1 <= len(name) <= 50 or not name.isprintable():
        raise ValueError("姓名应为1至50个字符")
    return name


CertificateNumberText = Annotated[str, Field(max_length=64), AfterValidator(_number)]
IdNumberText = Annotated[str, Field(max_length=64), AfterValidator(_id_number)]
NameText = Annotated[str, Field(max_length=100), AfterValidator(_name)]


class PersonQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_number: IdNumberText = Field(title="证件号码")
    name: NameText = Field(title="姓名")


class NumberQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: CertificateNumberText = Field(title="证书编号")
    name: NameText = Field(title="姓名")


class CertificateView(BaseModel):
    certificate_number: str = Field(title="证书编号")
    holder_name: str = Field(title="姓名（脱敏）")
    id_type: str = Field(title="证件类型")
    id_number: str = Field(title="证件号码（脱敏）")
    occupation_code: str = Field(title="职业编码")
    occupation_name: str = Field(title="职业名称")
    work_type: str = Field(title="工种")
    level: int = Field(title="等级代码")
    level_title: str = Field(title="职业技能等级")
    institution_name: str = Field(title="发证机构")
    issue_date: str = Field(title="发证日期")
    status: str = Field(title="状态代码", description="valid / revoked / reissued")
    status_title: str = Field(title="证书状态", description="有效 / 已撤销 / 已补发")


class CertificateList(BaseModel):
    certificates: list[CertificateView] = Field(title="证书")


class AuditEntry(BaseModel):
    id: str = Field(title="记录编号")
    at: datetime = Field(title="时间")
    kind: str = Field(title="查询方式", description="number 证书编号；person 证件号码；qr 二维码")
    channel: str = Field(title="渠道", description="page 网页；api 接口")
    client: str = Field(title="客户端地址")
    found: int = Field(title="查到的证书数")
    name: str = Field(title="姓名（脱敏）")
    certificate_number: str | None = Field(default=None, title="证书编号")
    id_number: str | None = Field(default=None, title="证件号码（脱敏）")
    outcome: str | None = Field(default=None, title="二维码验证结论")
