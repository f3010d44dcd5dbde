"""委托评价: a filed enterprise files an agreement to evaluate another enterprise's workers;
city-centre staff accept it (then assessment may use it) or reject it."""

from __future__ import annotations

from datetime import date
from typing import Any

import uuid_utils

from skilleval_filing import event_parts
from skilleval_filing.actors import Caller
from skilleval_filing.catalog import service as catalog
from skilleval_filing.entrustments.model import (
    BLOCKING_STATUSES,
    WHAT,
    AgreementFile,
    EntrustmentAgreement,
    EntrustmentRecord,
    review_entrustment,
    submit_entrustment,
)
from skilleval_filing.filings.lifecycle import FilingState
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.review import ReviewState, decide_review
from skilleval_shared.domain_errors import IllegalTransition, NotFound, NotPermitted
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.events.filing import (
    EntrustmentAccepted,
    EntrustmentRejected,
    EntrustmentResumed,
    EntrustmentSubmitted,
    EntrustmentSuspended,
)
from skilleval_shared.file_types import CheckedUpload
from skilleval_shared.repository import Repository, Store
from skilleval_shared.storage.files import FileStore

KIND = "entrustment"
MISSING = "没有这份委托评价协议"
EntrustmentRepository = Repository[EntrustmentRecord]


def repository(store: Store) -> EntrustmentRepository:
    return Repository(
        store,
        EntrustmentRecord,
        missing=MISSING,
        indexed=lambda record: {
            "trustee_uscc": record.trustee_uscc,
            "client_uscc": record.client_uscc,
            "status": record.state.value,
        },
    )


async def visible(
    *, entrustments: EntrustmentRepository, caller: Caller, entrustment_id: str
) -> EntrustmentRecord:
    """404 also for an enterprise that is not a party, so ids reveal nothing."""
    found = await entrustments.get(entrustment_id)
    if not found.state.visible_to(caller):
        raise NotFound(MISSING)
    return found.state


async def listed(
    *, entrustments: EntrustmentRepository, caller: Caller, status: ReviewState | None
) -> list[EntrustmentRecord]:
    """Staff see all, an enterprise those it is a party to."""
    query: dict[str, Any] = {}
    if not caller.is_staff:
        query["$or"] = [{"trustee_uscc": caller.uscc}, {"client_uscc": caller.uscc}]
    if status is not None:
        query["status"] = status.value
    found = await entrustments.find(query)
    return sorted((item.state for item in found), key=lambda r: r.submitted_at, reverse=True)


async def submit(
    *,
    entrustments: EntrustmentRepository,
    catalogs: catalog.CatalogRepository,
    filings: FilingRepository,
    files: FileStore,
    caller: Caller,
    agreement: EntrustmentAgreement,
    upload: CheckedUpload,
    on: date,
) -> EntrustmentRecord:
    """Everything is checked before the file is stored, so a refused request stores nothing."""
    assert caller.uscc is not None
    trustee = caller.uscc
    book = await catalog.opened(catalogs=catalogs, filings=filings, uscc=trustee)
    if book is None:
        raise IllegalTransition("本企业尚未备案，不能提交委托评价协议")
    entrustment = submit_entrustment(
        entrustment_id=str(uuid_utils.uuid7()),
        agreement=agreement,
        trustee_uscc=trustee,
        trustee_state=book.filing_state,
        trustee_catalog=book.book.current.catalog,
        client_state=await _filing_state(filings, agreement.client_uscc),
        actor=caller.actor,
        on=on,
    )
    saved = await files.save(
        owner_uscc=trustee,
        filename=upload.filename,
        content_type=upload.file_type.media_type,
        content=upload.content,
    )
    filed_agreement = agreement.model_copy(update={"agreement_file_id": saved.file_id})
    record = EntrustmentRecord(
        entrustment=entrustment.model_copy(update={"agreement": filed_agreement}),
        filing_id=book.book.filing_id,
        file=AgreementFile(
            file_id=saved.file_id,
            filename=saved.filename,
            content_type=saved.content_type,
            size_bytes=saved.size_bytes,
            sha256=saved.sha256,
        ),
        submitted_by=caller.by,
        submitted_at=utc_now(),
    )
    event = EntrustmentSubmitted(**_terms(record))
    await entrustments.add(record.entrustment_id, record, [wrap(event)])
    return record


async def _filing_state(filings: FilingRepository, uscc: str) -> FilingState | None:
    """The state of the enterprise's latest filing; None if it never applied."""
    latest = await filings.latest_for(uscc)
    return latest.state.state if latest is not None else None


def _terms(record: EntrustmentRecord) -> dict[str, Any]:
    agreement = record.entrustment.agreement
    return {
        "uscc": agreement.trustee_uscc,
        "entrustment_id": record.entrustment_id,
        "client_uscc": agreement.client_uscc,
        "client_name": agreement.client_name,
        "scope": event_parts.scope(agreement.scope),
        "valid_from": agreement.valid_from,
        "valid_until": agreement.valid_until,
        "agreement_sha256": agreement.agreement_sha256,
    }


async def review(
    *,
    entrustments: EntrustmentRepository,
    catalogs: catalog.CatalogRepository,
    filings: FilingRepository,
    caller: Caller,
    entrustment_id: str,
    accept: bool,
    reason: str = "",
    on: date,
) -> EntrustmentRecord:
    async def attempt() -> EntrustmentRecord:
        found = await entrustments.get(entrustment_id)
        record = found.state
        book = await catalog.opened(catalogs=catalogs, filings=filings, uscc=record.trustee_uscc)
        if book is not None:
            reviewed = review_entrustment(
                record.entrustment,
                trustee_state=book.filing_state,
                trustee_catalog=book.book.current.catalog,
                client_state=await _filing_state(filings, record.client_uscc) if accept else None,
                actor=caller.actor,
                accept=accept,
                on=on,
                plan_filed=record.plan is not None,
                reason=reason,
            )
        elif accept:
            raise IllegalTransition("受托方已没有有效的备案，不能通过委托评价协议")
        else:  # the trustee's filing is gone: a rejection needs nothing from it
            review_state = decide_review(
                record.entrustment.review,
                actor=caller.actor,
                accept=False,
                on=on,
                what=WHAT,
                reason=reason,
            )
            reviewed = record.entrustment.model_copy(update={"review": review_state})
        decided = record.model_copy(
            update={"entrustment": reviewed, "decided_by": caller.by, "decided_at": utc_now()}
        )
        event = (
            EntrustmentAccepted(**_terms(decided), decided_by=caller.by)
            if accept
            else EntrustmentRejected(
                uscc=decided.trustee_uscc,
                entrustment_id=entrustment_id,
                client_uscc=decided.client_uscc,
                client_name=reviewed.agreement.client_name,
                decided_by=caller.by,
                reason=reviewed.review.reason or reason,
            )
        )
        await entrustments.save(entrustment_id, found.version, decided, [wrap(event)])
        return decided

    return await entrustments.retrying(attempt)


def _stored(saved: Any) -> AgreementFile:
    return AgreementFile(
        file_id=saved.file_id,
        filename=saved.filename,
        content_type=saved.content_type,
        size_bytes=saved.size_bytes,
        sha256=saved.sha256,
    )


async def upload_plan(
    *,
    entrustments: EntrustmentRepository,
    files: FileStore,
    caller: Caller,
    entrustment_id: str,
    upload: CheckedUpload,
) -> EntrustmentRecord:
    """评价实施方案: the trustee's, while the agreement awaits review (replaced if sent again)."""
    found = await entrustments.get(entrustment_id)
    if not found.state.visible_to(caller):
        raise NotFound(MISSING)
    if caller.uscc != found.state.trustee_uscc:
        raise NotPermitted("评价实施方案由受托方报送")
    if found.state.state is not ReviewState.SUBMITTED:
        raise IllegalTransition(f"{WHAT}已审核，不能再更换评价实施方案")
    saved = await files.save(
        owner_uscc=found.state.trustee_uscc,
        filename=upload.filename,
        content_type=upload.file_type.media_type,
        content=upload.content,
    )

    async def attempt() -> EntrustmentRecord:
        latest = await entrustments.get(entrustment_id)
        if latest.state.state is not ReviewState.SUBMITTED:
            raise IllegalTransition(f"{WHAT}已审核，不能再更换评价实施方案")
        updated = latest.state.model_copy(update={"plan": _stored(saved)})
        await entrustments.save(entrustment_id, latest.version, updated)
        return updated

    return await entrustments.retrying(attempt)


async def party_status_changed(
    *, entrustments: EntrustmentRepository, uscc: str, status: str, on: date
) -> list[str]:
    """A party's filing was suspended, revoked, lapsed (→ its accepted and submitted
    entrustments are suspended; a submitted one then cannot be accepted) or reinstated (→
    resumed once no party holds them). Idempotent: an entrustment already in the wanted state
    is left alone. The ids changed."""
    query = {
        "$or": [{"trustee_uscc": uscc}, {"client_uscc": uscc}],
        "status": {"$in": ["accepted", "submitted"]},
    }
    changed = []
    for listed in await entrustments.find(query):

        async def attempt(entrustment_id: str = listed.id) -> bool:
            found = await entrustments.get(entrustment_id)
            record = found.state
            entrustment = record.entrustment
            blocking = BLOCKING_STATUSES.get(FilingState(status))
            if blocking is not None:
                reason = f"{entrustment.party_role(uscc)}{blocking}"
                updated = entrustment.suspended_for(uscc, reason=reason, on=on)
                event: Any = EntrustmentSuspended(
                    **_parties(record), party_uscc=uscc, suspended_on=on, reason=reason
                )
            else:
                updated = entrustment.resumed_for(uscc)
                event = EntrustmentResumed(**_parties(record), resumed_on=on)
            if updated is None:
                return False
            # Only the first suspension and the last resumption of an accepted agreement change
            # what may be done (a submitted one only keeps it from being accepted meanwhile).
            accepted = entrustment.review.state is ReviewState.ACCEPTED
            announce = accepted and entrustment.is_suspended != updated.is_suspended
            events = [wrap(event)] if announce else []
            new_record = record.model_copy(update={"entrustment": updated})
            await entrustments.save(entrustment_id, found.version, new_record, events)
            return True

        if await entrustments.retrying(attempt):
            changed.append(listed.id)
    return changed


def _parties(record: EntrustmentRecord) -> dict[str, Any]:
    agreement = record.entrustment.agreement
    return {
        "uscc": agreement.trustee_uscc,
        "entrustment_id": record.entrustment_id,
        "client_uscc": agreement.client_uscc,
        "client_name": agreement.client_name,
    }
