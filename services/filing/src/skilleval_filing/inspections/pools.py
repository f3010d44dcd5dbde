"""Where the pools are kept: the standing pools staff maintain (``inspection_standing_pools``),
and the frozen copy of each announced draw (``inspection_pools``, one document per inspection,
written once; the enterprise pool can hold every filed enterprise)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from skilleval_filing.inspections.model import DrawPools
from skilleval_shared.storage.mongo import Document

COLLECTION = "inspection_pools"


class InspectionPools:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def add(self, pools: DrawPools) -> None:
        document = pools.model_dump(mode="json", exclude={"inspection_id"})
        await self.collection.insert_one({"_id": pools.inspection_id, **document})

    async def get(self, inspection_id: str) -> DrawPools | None:
        document = await self.collection.find_one({"_id": inspection_id})
        if document is None:
            return None
        return DrawPools.model_validate({**document, "inspection_id": document["_id"]})


STANDING = "inspection_standing_pools"
MAX_STANDING = 10_000


class PoolKind(StrEnum):
    ENTERPRISE = "enterprise"  # 检查对象名录库
    INSPECTOR = "inspector"  # 执法检查人员名录库


class PoolMember(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: PoolKind
    member_id: str  # a USCC or an inspector id
    name: str
    added_by: str
    added_at: datetime


class StandingPools:
    """The pools staff keep between draws, one document per member (``<kind>:<id>``); an
    announcement freezes a copy of them."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def add(self, member: PoolMember) -> bool:
        """False when it was already in the pool."""
        document = member.model_dump(mode="json")
        try:
            await self.collection.insert_one(
                {"_id": f"{member.kind}:{member.member_id}"} | document
            )
        except DuplicateKeyError:
            return False
        return True

    async def remove(self, kind: PoolKind, member_id: str) -> bool:
        """False when it was not in the pool."""
        removed = await self.collection.delete_one({"_id": f"{kind}:{member_id}"})
        return removed.deleted_count == 1

    async def members(self, kind: PoolKind) -> list[PoolMember]:
        found = (
            await self.collection.find({"kind": kind.value})
            .sort("_id")
            .limit(MAX_STANDING)
            .to_list(MAX_STANDING)
        )
        return [PoolMember.model_validate(document) for document in found]
