"""Where the pools of each draw are kept: ``inspection_pools``, one document per inspection,
written once (the enterprise pool can hold every filed enterprise)."""

from __future__ import annotations

from pymongo.asynchronous.collection import AsyncCollection

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
