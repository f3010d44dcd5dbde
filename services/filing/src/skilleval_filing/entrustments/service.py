"""委托评价: a filed enterprise files an agreement to evaluate another enterprise's workers;
city-centre staff accept it (then assessment may use it) or reject it."""

from __future__ import annotations

import hashlib
from datetime import date

import uuid_utils

from skilleval_filing import event_parts
from skilleval_filing.actors import Caller
from skilleval_filing.catalog.book import CatalogBooks
from skilleval_filing.entrustments.model import WHAT, review_entrustment, submit_entrustment
from skilleval_filing.entrustments.records import (
    AgreementFile,
    EntrustmentRecord,
    load,
)
from skilleval_filing.entrustments.schemas import AgreementTerms, agreement_of
from skilleval_filing.review import decide_review
from skilleval_shared.domain_errors import IllegalTransition
from skilleval_shared.envelope import utc_now, wrap
from skilleval_shared.events.filing import (
    EntrustmentAccepted,
    EntrustmentRejected,
    EntrustmentSubmitted,
)
from skilleval_shared.file_types import CheckedUpload
from skilleval_shared.repository import retry_on_conflict
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.storage.files import FileStore


async def submit(
    *,
    store: AggregateStore,
    books: CatalogBooks,
    files: FileStore,
    caller: Caller,
    terms: AgreementTerms,
    upload: CheckedUpload,
    on: date,
) -> EntrustmentRecord:
    """Everything is checked before the file is stored, so a refused request stores nothing."""
    assert caller.uscc is not None
    trustee = caller.uscc
    agreement = agreement_of(terms, trustee, hashlib.sha256(upload.content).hexdigest())
    opened = await books.open(trustee)
    if opened is None:
        raise IllegalTransition("本企业尚未备案，不能提交委托评价协议")
    entrustment = submit_entrustment(
        entrustment_id=str(uuid_utils.uuid7()),
        agreement=agreement,
        trustee_uscc=trustee,
        trustee_state=opened.filing.filing.state,
        trustee_catalog=opened.book.current.catalog,
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
        filing_id=opened.book.filing_id,
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
    await store.commit(record.entrustment_id, 0, record.to_state(), [wrap(event)])
    return record


def _terms(record: EntrustmentRecord) -> dict[str, object]:
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
    store: AggregateStore,
    books: CatalogBooks,
    caller: Caller,
    entrustment_id: str,
    accept: bool,
    reason: str = "",
    on: date,
) -> EntrustmentRecord:
    async def attempt() -> EntrustmentRecord:
        record, version = await load(store, entrustment_id)
        opened = await books.open(record.trustee_uscc)
        if opened is not None:
            reviewed = review_entrustment(
                record.entrustment,
                trustee_state=opened.filing.filing.state,
                trustee_catalog=opened.book.current.catalog,
                actor=caller.actor,
                accept=accept,
                on=on,
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
            update={
                "entrustment": reviewed,
                "decided_by": caller.by,
                "decided_at": utc_now(),
            }
        )
        by = caller.by
        event = (
            EntrustmentAccepted(**_terms(decided), decided_by=by)
            if accept
            else EntrustmentRejected(
                uscc=decided.trustee_uscc,
                entrustment_id=entrustment_id,
                client_uscc=decided.client_uscc,
                client_name=reviewed.agreement.client_name,
                decided_by=by,
                reason=reviewed.review.reason or reason,
            )
        )
        await store.commit(entrustment_id, version, decided.to_state(), [wrap(event)])
        return decided

    return await retry_on_conflict(attempt)
