"""Hot reads are gets by ``_id`` (ARCHITECTURE.md "Storage rules"), so the database must answer
them through its ``_id`` index. Unpatched, FerretDB 1.24's SQLite backend scanned the whole
table for every get, update and delete by ``_id`` (see ``infra/launcher.py``)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def uses_id_index(plan: dict) -> bool:
    text = str(plan)
    ferretdb = "USING INDEX" in text and "__id_" in text
    mongodb = any(stage in text for stage in ("IDHACK", "EXPRESS_IXSCAN", "IXSCAN"))
    return ferretdb or mongodb


async def test_a_get_by_id_uses_the_id_index(mongo, namespace):
    db = mongo[f"skilleval_probe_{namespace}"]
    await db["things"].insert_many([{"_id": f"thing-{n}", "n": n} for n in range(50)])

    explained = await db.command({"explain": {"find": "things", "filter": {"_id": "thing-7"}}})

    assert uses_id_index(explained["queryPlanner"]), explained["queryPlanner"]
    assert await db["things"].find_one({"_id": "thing-7"}) == {"_id": "thing-7", "n": 7}
