"""Files a plan's registrations and results refer to by SHA-256: the candidate's photo (printed
on the certificate) and the evidence of 破格 or 直接认定. A file's id is derived from the plan and
its content (``<plan_id>:<sha256>``), so a reference is checked with one get per distinct file,
and uploading the same file again is idempotent."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from enum import StrEnum
from typing import Protocol

from skilleval_assessment.plans.service import PlanRepository, get
from skilleval_shared.domain_errors import NotFound
from skilleval_shared.file_types import JPEG, PDF, PNG, CheckedUpload, FileType
from skilleval_shared.storage.files import StoredFile


class Purpose(StrEnum):
    PHOTO = "photo"  # 证件照
    EVIDENCE = "evidence"  # 破格或直接认定的证明材料

    @property
    def label(self) -> str:
        return "照片" if self is Purpose.PHOTO else "证明材料"

    @property
    def allowed(self) -> tuple[FileType, ...]:
        return (JPEG, PNG) if self is Purpose.PHOTO else (PDF, JPEG, PNG)


class Files(Protocol):
    async def save(
        self,
        *,
        owner_uscc: str,
        filename: str,
        content_type: str,
        content: bytes,
        file_id: str | None = None,
    ) -> StoredFile: ...

    async def get(self, file_id: str) -> StoredFile | None: ...


def _file_id(plan_id: str, sha256: str) -> str:
    return f"{plan_id}:{sha256}"


async def upload(
    *, plans: PlanRepository, files: Files, uscc: str, plan_id: str, checked: CheckedUpload
) -> StoredFile:
    plan = (await get(plans=plans, plan_id=plan_id, owner=uscc)).state
    sha = hashlib.sha256(checked.content).hexdigest()
    return await files.save(
        owner_uscc=plan.uscc,
        filename=checked.filename,
        content_type=checked.file_type.media_type,
        content=checked.content,
        file_id=_file_id(plan_id, sha),
    )


async def find(
    *, plans: PlanRepository, files: Files, owner: str | None, plan_id: str, sha256: str
) -> StoredFile:
    """The plan's file, for its enterprise (``owner``) or staff (None)."""
    await get(plans=plans, plan_id=plan_id, owner=owner)
    found = await files.get(_file_id(plan_id, sha256.lower()))
    if found is None:
        raise NotFound("文件不存在")
    return found


async def problems(
    *, files: Files | None, plan_id: str, wanted: Iterable[tuple[str, Purpose]]
) -> dict[str, str]:
    """For each distinct SHA-256 referred to that is not an uploaded file of the plan (or not
    an image where a photo is wanted), the reason (Chinese); one get per distinct file."""
    if files is None:
        return {}
    found: dict[str, str] = {}
    for sha, purpose in dict(wanted).items():
        stored = await files.get(_file_id(plan_id, sha))
        if stored is None:
            found[sha] = f"{purpose.label}未上传（请先上传文件，再填写上传后返回的文件摘要编号）"
        elif stored.content_type not in {kind.media_type for kind in purpose.allowed}:
            names = "、".join(kind.name for kind in purpose.allowed)
            found[sha] = f"{purpose.label}应为{names}文件"
    return found
