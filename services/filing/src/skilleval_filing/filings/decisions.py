"""``decide``: apply one command to a filing, get the next filing and the events to publish.

The events are the shared ``filing.events.v1`` data themselves (one event path: no domain
events translated one to one). The service loads a ``FilingRecord``, calls ``decide`` and stores
``decision.record`` with ``decision.events`` wrapped. A decision with no events changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skilleval_filing import event_parts
from skilleval_filing.actors import Caller
from skilleval_filing.exits import model as exits
from skilleval_filing.filings import commands as c
from skilleval_filing.filings.conditions import (
    ConditionCheck,
    checked_conditions,
    require_all_met,
    unmet_remarks,
)
from skilleval_filing.filings.filed import enterprise_name, filed_catalog
from skilleval_filing.filings.history import MAX_HISTORY, history_entry
from skilleval_filing.filings.lifecycle import FilingState, authorize
from skilleval_filing.filings.model import Filing, FilingRecord, Objection, ObjectionStatus
from skilleval_filing.filings.receipt import checked_institution_serial
from skilleval_filing.filings.remarks import checked_remarks
from skilleval_filing.filings.submission import check_submission
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest
from skilleval_shared.events import filing as s
from skilleval_shared.fields import bounded_text
from skilleval_shared.validation import validate_email, validate_phone

_Changes = dict[str, Any]
_Events = list[s.FilingEvent]


@dataclass(frozen=True)
class Decision:
    record: FilingRecord
    events: tuple[s.FilingEvent, ...]

    @property
    def filing(self) -> Filing:
        return self.record.filing

    @property
    def changed(self) -> bool:
        return bool(self.events)


@dataclass(frozen=True)
class _Context:
    record: FilingRecord
    caller: Caller

    @property
    def filing(self) -> Filing:
        return self.record.filing

    @property
    def ids(self) -> dict[str, Any]:
        return {"uscc": self.filing.uscc, "filing_id": self.filing.filing_id}

    @property
    def decided(self) -> dict[str, Any]:
        """The ids and who decided, as every staff decision's event records them."""
        return {**self.ids, "decided_by": self.caller.by}


def decide(record: FilingRecord, command: c.Command, caller: Caller) -> Decision:
    """Raises ``NotPermitted``, ``IllegalTransition`` or ``InvalidRequest`` and changes nothing."""
    filing = record.filing
    authorize(filing.state, command.action, caller.actor)
    changes, events = _apply(_Context(record, caller), command)
    if not events:
        return Decision(record, ())
    version = filing.version + 1
    entry = history_entry(filing, version, command, caller, changes)
    history = (*filing.history, entry)[-MAX_HISTORY:]
    decided = filing.model_copy(update={**changes, "version": version, "history": history})
    return Decision(record.model_copy(update={"filing": decided}), tuple(events))


def _apply(context: _Context, command: c.Command) -> tuple[_Changes, _Events]:
    filing = context.filing
    match command:
        case c.Submit():
            return _submit(context, command)
        case c.ReturnForChanges():
            findings = checked_conditions(command.conditions, required=False)
            remarks = checked_remarks((*unmet_remarks(findings), *command.remarks), required=True)
            changes = {
                "state": FilingState.RETURNED,
                "return_remarks": remarks,
                "conditions": findings,
            }
            event = s.FilingReturned(**context.decided, remarks=event_parts.remarks(remarks))
            return changes, [*_reviewed(context, findings), event]
        case c.AcceptForNotice():
            return _accept(context, command)
        case c.Reject():
            reason = _text(command.reason, "不予备案理由")
            findings = checked_conditions(command.conditions, required=False)
            remarks = checked_remarks((*unmet_remarks(findings), *command.remarks), required=False)
            changes = {
                "state": FilingState.REJECTED,
                "status_reason": reason,
                "conditions": findings,
            }
            rejected = s.FilingRejected(
                **context.decided, reason=reason, remarks=event_parts.remarks(remarks)
            )
            return changes, [*_reviewed(context, findings), rejected]
        case c.RaiseObjection():
            return _raise_objection(context, command)
        case c.ResolveObjection():
            return _resolve_objection(context, command)
        case c.EndNotice():
            return _end_notice(context, command)
        case (
            c.Suspend()
            | c.Reinstate()
            | c.Revoke()
            | c.EndSuspension()
            | c.RequestRenewal()
            | c.Renew()
            | c.RefuseRenewal()
            | c.Lapse()
            | c.RemindRenewal()
        ):
            by = context.caller.account_id or exits.SYSTEM_ID
            return exits.apply(filing, by, command)
        case c.AssignInstitutionCode():
            return _assign_institution_code(context, filing, command)
        case c.RecordInstitutionSerial():
            return _record_institution_serial(context, filing, command)


def _text(value: str, label: str, max_length: int = 2000, *, multiline: bool = True) -> str:
    try:
        return bounded_text(max_length, multiline=multiline)(value)
    except ValueError as error:
        raise InvalidRequest(f"{label}{error}") from None


def _submit(context: _Context, command: c.Submit) -> tuple[_Changes, _Events]:
    record = context.record
    check_submission(
        uscc=record.uscc,
        application=record.application,
        uploaded_materials=record.materials,
        catalog=record.catalog,
    )
    event = s.FilingResubmitted if isinstance(command, c.Resubmit) else s.FilingSubmitted
    content = event(
        **context.ids,
        application=event_parts.application(record),
        catalog=event_parts.catalog_entries(filed_catalog(record)),
        materials=event_parts.materials(record.materials),
    )
    return {"state": FilingState.SUBMITTED}, [content]


def _reviewed(context: _Context, findings: tuple[ConditionCheck, ...]) -> _Events:
    """The findings on the six conditions as their event, when the reviewer gave them."""
    if not findings:
        return []
    return [
        s.FilingConditionsReviewed(
            **context.decided,
            findings=tuple(
                s.ConditionFinding(condition=f.condition.value, met=f.met, remark=f.remark)
                for f in findings
            ),
        )
    ]


def _accept(context: _Context, command: c.AcceptForNotice) -> tuple[_Changes, _Events]:
    findings = checked_conditions(command.conditions, required=True)
    require_all_met(findings)
    try:
        notice = command.calendar.notice_window(command.accepted_on, command.working_days)
    except ValueError as error:
        raise InvalidRequest(str(error)) from None
    changes = {
        "state": FilingState.ON_NOTICE,
        "notice": notice,
        "return_remarks": (),
        "conditions": findings,
    }
    started = s.NoticeStarted(
        **context.ids,
        enterprise_name=enterprise_name(context.record),
        starts_on=notice.starts_on,
        ends_on=notice.ends_on,
        working_days=notice.working_days,
    )
    return changes, [*_reviewed(context, findings), s.FilingAccepted(**context.decided), started]


def _raise_objection(context: _Context, command: c.RaiseObjection) -> tuple[_Changes, _Events]:
    filing = context.filing
    assert filing.notice is not None, "a filing on notice always has a notice window"
    if not filing.notice.accepts_objection_on(command.raised_on):
        raise IllegalTransition("不在公示期内，不能提出异议")
    if any(o.objection_id == command.objection_id for o in filing.objections):
        raise InvalidRequest("该异议已经提交")
    try:
        email = validate_email(command.contact_email) if command.contact_email else None
        phone = validate_phone(command.contact_phone) if command.contact_phone else None
    except ValueError as error:
        raise InvalidRequest(str(error)) from None
    objection = Objection(
        objection_id=command.objection_id,
        raised_on=command.raised_on,
        text=_text(command.text, "异议内容"),
        contact_email=email,
        contact_phone=phone,
        objector_name=_text(command.objector_name, "姓名", 64, multiline=False)
        if command.objector_name
        else None,
    )
    raised = s.ObjectionRaised(
        **context.ids,
        objection_id=objection.objection_id,
        text=objection.text,
        contact_email=email,
    )
    return {"objections": (*filing.objections, objection)}, [raised]


def _resolve_objection(context: _Context, command: c.ResolveObjection) -> tuple[_Changes, _Events]:
    filing = context.filing
    objection = next((o for o in filing.objections if o.objection_id == command.objection_id), None)
    if objection is None:
        raise InvalidRequest("该异议不存在")
    if objection.status is not ObjectionStatus.RAISED:
        raise IllegalTransition("该异议已处理，不能重复处理")
    # Shorter than other reasons: an upheld objection's reason is quoted in the rejection's.
    reason = _text(command.reason, "异议处理意见", 1900)
    status = ObjectionStatus.UPHELD if command.upheld else ObjectionStatus.DISMISSED
    resolved = objection.model_copy(
        update={"status": status, "reason": reason, "resolved_on": command.resolved_on}
    )
    objections = tuple(resolved if o is objection else o for o in filing.objections)
    fields = {**context.decided, "objection_id": objection.objection_id, "reason": reason}
    if not command.upheld:
        return {"objections": objections}, [s.ObjectionDismissed(**fields)]
    rejection = f"公示期间异议经核实成立：{reason}"
    changes = {"objections": objections, "state": FilingState.REJECTED, "status_reason": rejection}
    return changes, [
        s.ObjectionUpheld(**fields),
        s.NoticeClosed(**context.ids, objection_count=len(objections), upheld_count=1),
        s.FilingRejected(
            **context.decided, reason=rejection, upheld_objection_ids=(objection.objection_id,)
        ),
    ]


def _end_notice(context: _Context, command: c.EndNotice) -> tuple[_Changes, _Events]:
    filing = context.filing
    assert filing.notice is not None, "a filing on notice always has a notice window"
    if not filing.notice.has_ended_by(command.today):
        raise IllegalTransition(f"公示期至{filing.notice.ends_on.isoformat()}，尚未期满")
    if filing.unresolved_objections:
        return {}, []
    receipt = command.receipt.model_copy(
        update={
            "institution_code": filing.institution_code,
            "institution_serial": filing.institution_serial,
        }
    )
    changes = {"state": FilingState.FILED, "receipt": receipt}
    closed = s.NoticeClosed(**context.ids, objection_count=len(filing.objections), upheld_count=0)
    return changes, [closed, event_parts.filed(context.record, receipt)]


def _assign_institution_code(
    context: _Context, filing: Filing, command: c.AssignInstitutionCode
) -> tuple[_Changes, _Events]:
    code = command.institution_code.strip()
    if not (len(code) == 4 and code.isascii() and code.isdigit()):
        raise InvalidRequest("机构代码应为4位数字（国家部委核发；未核发的为0000）")
    if code == filing.institution_code:
        return {}, []
    changes: _Changes = {"institution_code": code}
    if filing.receipt is not None:  # certificates from now on carry the new code
        changes["receipt"] = filing.receipt.model_copy(update={"institution_code": code})
    assigned = s.InstitutionCodeAssigned(
        **context.decided, institution_code=code, previous_code=filing.institution_code
    )
    return changes, [assigned]


def _record_institution_serial(
    context: _Context, filing: Filing, command: c.RecordInstitutionSerial
) -> tuple[_Changes, _Events]:
    try:
        serial = checked_institution_serial(command.institution_serial)
    except ValueError as error:
        raise InvalidRequest(
            str(error), errors=[{"field": "institution_serial", "message": str(error)}]
        ) from None
    if serial == filing.institution_serial:
        return {}, []
    changes: _Changes = {"institution_serial": serial}
    if filing.receipt is not None:  # certificates numbered from now on carry it
        changes["receipt"] = filing.receipt.model_copy(update={"institution_serial": serial})
    recorded = s.InstitutionSerialRecorded(
        **context.decided, institution_serial=serial, previous_serial=filing.institution_serial
    )
    return changes, [recorded]
