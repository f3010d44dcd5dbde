"""The filing's own history: one entry per decision that changed it, who took it and what it
recorded (an institution serial, the findings on the six conditions, a reason), so staff and the
enterprise can read back how the filing got where it is."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from skilleval_filing.actors import Caller
from skilleval_filing.filings import commands as c
from skilleval_filing.filings.conditions import ConditionCheck, summary

if TYPE_CHECKING:
    from skilleval_filing.filings.model import Filing

MAX_HISTORY = 500


class HistoryEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: int
    action: str
    action_label: str
    actor_label: str
    by: str | None = None
    on: date | None = None
    detail: str | None = None
    findings: tuple[ConditionCheck, ...] = ()


def history_entry(
    before: Filing, version: int, command: c.Command, caller: Caller, changes: dict[str, Any]
) -> HistoryEntry:
    """The entry for ``command`` taking ``before`` to ``version`` with ``changes``."""
    findings: tuple[ConditionCheck, ...] = tuple(changes.get("conditions", ()))
    return HistoryEntry(
        version=version,
        action=command.action.value,
        action_label=command.action.label,
        actor_label=caller.actor.label,
        by=caller.account_id,
        on=_day(command),
        detail=_detail(before, command, changes, findings),
        findings=findings,
    )


def _day(command: c.Command) -> date | None:
    match command:
        case c.AcceptForNotice():
            return command.accepted_on
        case c.RaiseObjection():
            return command.raised_on
        case c.ResolveObjection():
            return command.resolved_on
        case c.EndNotice():
            return command.today
        case c.ReturnForChanges() | c.Reject() | c.RecordInstitutionSerial():
            return command.on
        case _:
            return None


def _detail(
    before: Filing,
    command: c.Command,
    changes: dict[str, Any],
    findings: tuple[ConditionCheck, ...],
) -> str | None:
    conditions = f"自主评价条件：{summary(findings)}" if findings else None
    match command:
        case c.RecordInstitutionSerial():
            previous = before.institution_serial or "待省中心分配"
            return f"机构序号：{previous} → {changes['institution_serial']}"
        case c.AssignInstitutionCode():
            return f"机构代码：{before.institution_code} → {changes['institution_code']}"
        case c.ReturnForChanges():
            count = f"修改意见{len(changes['return_remarks'])}条"
            return "；".join(filter(None, [count, conditions]))
        case c.AcceptForNotice():
            notice = changes["notice"]
            window = f"公示期{notice.starts_on.isoformat()}至{notice.ends_on.isoformat()}"
            return "；".join(filter(None, [conditions, window]))
        case c.Reject() | c.Suspend() | c.Reinstate() | c.Revoke():
            return "；".join(filter(None, [changes.get("status_reason"), conditions]))
        case c.ResolveObjection():
            outcome = "成立" if command.upheld else "不成立"
            return f"异议{command.objection_id}经核实{outcome}"
        case c.EndNotice():
            receipt = changes.get("receipt")
            return f"备案回执{receipt.number}" if receipt is not None else None
        case _:
            return None
