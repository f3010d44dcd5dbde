"""考场安排 and staffing ratios: proctors per theory room, examiners per practical room, the
review panel, and a quality supervisor (defaults from DOMAIN.md, configurable)."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from skilleval_shared.events.assessment_parts import ExamRoom, RoomKind, StaffAssignment, StaffRole


class StaffingRules(BaseModel):
    candidates_per_proctor: int = Field(default=15, ge=1)
    min_proctors_per_room: int = Field(default=2, ge=1)
    candidates_per_examiner: int = Field(default=5, ge=1)
    min_examiners_per_room: int = Field(default=3, ge=1)
    odd_examiners: bool = True
    min_reviewers: int = Field(default=3, ge=1)
    odd_reviewers: bool = True
    min_quality_supervisors: int = Field(default=1, ge=0)


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


def _seats(room: ExamRoom) -> int:
    return room.capacity * max(1, len(room.sessions))


def staffing_problems(
    rooms: tuple[ExamRoom, ...],
    staff: tuple[StaffAssignment, ...],
    rules: StaffingRules,
    needs: dict[RoomKind, int],
) -> list[str]:
    """What the room plan and the staff assignments lack, in Chinese. ``needs`` is how many
    candidates sit in each kind of room (theory, practical)."""
    problems: list[str] = []
    names = {room.name for room in rooms}
    for person in staff:
        if person.room is not None and person.room not in names:
            problems.append(f"{person.name}被安排到不存在的考场“{person.room}”")
    per_room = Counter((person.room, person.role) for person in staff)
    kinds = {room.kind for room in rooms}
    for room in rooms:
        if room.kind is RoomKind.THEORY:
            need = max(
                rules.min_proctors_per_room, _ceil(room.capacity, rules.candidates_per_proctor)
            )
            if per_room[(room.name, StaffRole.PROCTOR)] < need:
                problems.append(f"理论考场“{room.name}”至少需要{need}名监考人员")
        elif room.kind is RoomKind.PRACTICAL:
            need = max(
                rules.min_examiners_per_room, _ceil(room.capacity, rules.candidates_per_examiner)
            )
            have = per_room[(room.name, StaffRole.EXAMINER)]
            if have < need:
                problems.append(f"实操考场“{room.name}”至少需要{need}名考评人员")
            elif rules.odd_examiners and have % 2 == 0:
                problems.append(f"实操考场“{room.name}”的考评人员应为奇数")
        else:
            have = per_room[(room.name, StaffRole.REVIEWER)]
            if have < rules.min_reviewers:
                problems.append(f"评审场地“{room.name}”的评审组至少需要{rules.min_reviewers}人")
            elif rules.odd_reviewers and have % 2 == 0:
                problems.append(f"评审场地“{room.name}”的评审组人数应为奇数")
    supervisors = sum(1 for person in staff if person.role is StaffRole.QUALITY_SUPERVISOR)
    if supervisors < rules.min_quality_supervisors:
        problems.append(f"至少需要安排{rules.min_quality_supervisors}名质量督导员")
    for kind, label in ((RoomKind.THEORY, "理论"), (RoomKind.PRACTICAL, "实操")):
        needs_seats = needs.get(kind, 0)
        if needs_seats:
            if kind not in kinds:
                problems.append(f"缺少{label}考场安排")
                continue
            seats = sum(_seats(room) for room in rooms if room.kind is kind)
            if seats < needs_seats:
                problems.append(f"{label}考场座位（{seats}）少于参加考核人数（{needs_seats}）")
    return problems
