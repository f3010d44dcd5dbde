"""``decide``: apply one command to a filing, get the next filing and the events to publish.

The service loads a ``Filing``, calls ``decide`` and stores ``decision.filing`` (its ``version``
one higher) with ``decision.events``. A decision with no events changes nothing: store nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skilleval_filing.filings import commands as c
from skilleval_filing.filings import events as e
from skilleval_filing.filings.lifecycle import Actor, FilingState, authorize
from skilleval_filing.filings.model import Filing, Objection, ObjectionStatus
from skilleval_filing.filings.remarks import checked_remarks
from skilleval_filing.filings.submission import check_submission
from skilleval_shared.domain_errors import IllegalTransition, InvalidRequest
from skilleval_shared.fields import bounded_text
from skilleval_shared.validation import validate_email, validate_phone

_Changes = dict[str, Any]
_Events = list[tuple[type[e.FilingEvent], dict[str, Any]]]


@dataclass(frozen=True)
class Decision:
    filing: Filing
    events: tuple[e.FilingEvent, ...]

    @property
    def changed(self) -> bool:
        return bool(self.events)


def decide(filing: Filing, command: c.Command, actor: Actor) -> Decision:
    """Raises ``NotPermitted``, ``IllegalTransition`` or ``InvalidRequest`` and changes nothing."""
    authorize(filing.state, command.action, actor)
    changes, events = _apply(filing, command)
    if not events:
        return Decision(filing, ())
    ids = {"filing_id": filing.filing_id, "uscc": filing.uscc}
    return Decision(
        filing.model_copy(update={**changes, "version": filing.version + 1}),
        tuple(event_type(**ids, **fields) for event_type, fields in events),
    )


def _apply(filing: Filing, command: c.Command) -> tuple[_Changes, _Events]:
    match command:
        case c.Submit():
            return _submit(filing, command)
        case c.ReturnForChanges():
            remarks = checked_remarks(command.remarks, required=True)
            changes = {"state": FilingState.RETURNED, "return_remarks": remarks}
            return changes, [(e.FilingReturned, {"remarks": remarks})]
        case c.AcceptForNotice():
            return _accept(command)
        case c.Reject():
            reason = _text(command.reason, "不予备案理由")
            remarks = checked_remarks(command.remarks, required=False)
            changes = {"state": FilingState.REJECTED, "status_reason": reason}
            return changes, [(e.FilingRejected, {"reason": reason, "remarks": remarks})]
        case c.RaiseObjection():
            return _raise_objection(filing, command)
        case c.ResolveObjection():
            return _resolve_objection(filing, command)
        case c.EndNotice():
            return _end_notice(filing, command)
        case c.Suspend():
            reason = _text(command.reason, "暂停原因")
            changes = {"state": FilingState.SUSPENDED, "status_reason": reason}
            return changes, [(e.FilingSuspended, {"reason": reason, "until": command.until})]
        case c.Reinstate():
            return _status_change(FilingState.FILED, e.FilingReinstated, command.reason, "恢复理由")
        case c.Revoke():
            return _status_change(FilingState.REVOKED, e.FilingRevoked, command.reason, "撤销原因")
        case c.AssignInstitutionCode():
            return _assign_institution_code(filing, command)


def _text(value: str, label: str, max_length: int = 2000, *, multiline: bool = True) -> str:
    try:
        return bounded_text(max_length, multiline=multiline)(value)
    except ValueError as error:
        raise InvalidRequest(f"{label}{error}") from None


def _status_change(
    state: FilingState, event: type[e.FilingEvent], reason: str, label: str
) -> tuple[_Changes, _Events]:
    checked = _text(reason, label)
    return {"state": state, "status_reason": checked}, [(event, {"reason": checked})]


def _submit(filing: Filing, command: c.Submit) -> tuple[_Changes, _Events]:
    check_submission(
        uscc=filing.uscc,
        application=command.application,
        uploaded_materials=command.uploaded_materials,
        catalog=command.catalog,
    )
    event = e.FilingResubmitted if isinstance(command, c.Resubmit) else e.FilingSubmitted
    return {"state": FilingState.SUBMITTED}, [(event, {})]


def _accept(command: c.AcceptForNotice) -> tuple[_Changes, _Events]:
    try:
        notice = command.calendar.notice_window(command.accepted_on, command.working_days)
    except ValueError as error:
        raise InvalidRequest(str(error)) from None
    changes = {"state": FilingState.ON_NOTICE, "notice": notice, "return_remarks": ()}
    return changes, [(e.FilingAccepted, {}), (e.NoticeStarted, {"notice": notice})]


def _raise_objection(filing: Filing, command: c.RaiseObjection) -> tuple[_Changes, _Events]:
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
    fields = {"objection_id": objection.objection_id, "raised_on": objection.raised_on}
    return {"objections": (*filing.objections, objection)}, [
        (e.ObjectionRaised, {**fields, "text": objection.text, "contact_email": email})
    ]


def _resolve_objection(filing: Filing, command: c.ResolveObjection) -> tuple[_Changes, _Events]:
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
    ids = {"objection_id": objection.objection_id, "reason": reason}
    if not command.upheld:
        return {"objections": objections}, [(e.ObjectionDismissed, ids)]
    rejection = f"公示期间异议经核实成立：{reason}"
    closed = {"objection_count": len(objections), "upheld_count": 1}
    rejected = {"reason": rejection, "upheld_objection_ids": (objection.objection_id,)}
    changes = {"objections": objections, "state": FilingState.REJECTED, "status_reason": rejection}
    return changes, [
        (e.ObjectionUpheld, ids),
        (e.NoticeClosed, closed),
        (e.FilingRejected, rejected),
    ]


def _end_notice(filing: Filing, command: c.EndNotice) -> tuple[_Changes, _Events]:
    assert filing.notice is not None, "a filing on notice always has a notice window"
    if not filing.notice.has_ended_by(command.today):
        raise IllegalTransition(f"公示期至{filing.notice.ends_on.isoformat()}，尚未期满")
    if filing.unresolved_objections:
        return {}, []
    closed = {"objection_count": len(filing.objections), "upheld_count": 0}
    receipt = command.receipt.model_copy(update={"institution_code": filing.institution_code})
    changes = {"state": FilingState.FILED, "receipt": receipt}
    return changes, [(e.NoticeClosed, closed), (e.FilingFiled, {"receipt": receipt})]


def _assign_institution_code(
    filing: Filing, command: c.AssignInstitutionCode
) -> tuple[_Changes, _Events]:
    code = command.institution_code.strip()
    if not (len(code) == 4 and code.isascii() and code.isdigit()):
        raise InvalidRequest("机构代码应为4位数字（国家部委核发；未核发的为0000）")
    if code == filing.institution_code:
        return {}, []
    changes: _Changes = {"institution_code": code}
    if filing.receipt is not None:  # certificates from now on carry the new code
        changes["receipt"] = filing.receipt.model_copy(update={"institution_code": code})
    return changes, [
        (
            e.InstitutionCodeAssigned,
            {"institution_code": code, "previous_code": filing.institution_code},
        )
    ]
