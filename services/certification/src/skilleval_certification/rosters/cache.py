"""The checked chunks this process stored, per roster, until the roster is validated.

The roster-wide checks then need not read back every chunk it just wrote (for a 10,000-row
roster that is megabytes, seconds on FerretDB). Only a chunk whose insert this process won is
kept, so the cache holds exactly what is stored; a miss (another process checked the chunk, a
restart, an eviction) reads the stored chunk. A bounded number of rosters, oldest out first.
"""

from __future__ import annotations

from collections import OrderedDict

from skilleval_certification.rosters.validation import CheckedRow

ROSTERS = 8


class ChunkCache:
    def __init__(self, rosters: int = ROSTERS) -> None:
        self.rosters = rosters
        self._chunks: OrderedDict[str, dict[int, list[CheckedRow]]] = OrderedDict()

    def put(self, roster_id: str, index: int, rows: list[CheckedRow]) -> None:
        self._chunks.setdefault(roster_id, {})[index] = rows
        self._chunks.move_to_end(roster_id)
        while len(self._chunks) > self.rosters:
            self._chunks.popitem(last=False)

    def get(self, roster_id: str) -> dict[int, list[CheckedRow]]:
        return dict(self._chunks.get(roster_id, {}))

    def forget(self, roster_id: str) -> None:
        self._chunks.pop(roster_id, None)
