"""Domain events → the shared ``filing.events.v1`` payloads, in their CloudEvents envelopes.

The domain knows the lifecycle; the shared events also carry what is kept beside it (the form,
the catalog, the material digests) and who decided.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from skilleval_filing import event_parts
from skilleval_filing.catalog.table import Catalog
from skilleval_filing.filings import events as e
from skilleval_filing.filings import filed
from skilleval_filing.filings.application import ApplicationDraft, complete_application
from skilleval_filing.filings.materials import MaterialKind
from skilleval_filing.filings.repository import StoredFiling
from skilleval_shared import envelope
from skilleval_shared.events import filing as s
from skilleval_shared.events.filing_parts import FilingApplication, MaterialFile, Person
from skilleval_shared.observability import correlation_id


def integration_events(
    events: Iterable[e.FilingEvent], stored: StoredFiling, *, decided_by: str | None
) -> list[envelope.CloudEvent[envelope.EventData]]:
    """The envelopes to commit with the decision; one correlation id for all of them."""
    correlation = correlation_id.get() or envelope.new_event_id()
    return [
        envelope.wrap(_translate(event, stored, decided_by), correlation_id=correlation)
        for event in events
    ]


def _translate(event: e.FilingEvent, stored: StoredFiling, decided_by: str | None) -> s.FilingEvent:
    ids: dict[str, Any] = {"uscc": event.uscc, "filing_id": event.filing_id}
    match event:
        case e.FilingSubmitted() | e.FilingResubmitted():
            content = (
                s.FilingResubmitted if isinstance(event, e.FilingResubmitted) else s.FilingSubmitted
            )
            return content(
                **ids,
                application=shared_application(stored),
                catalog=event_parts.catalog_entries(stored_catalog(stored)),
                materials=shared_materials(stored),
            )
        case e.FilingReturned():
            return s.FilingReturned(
                **ids, decided_by=_by(decided_by), remarks=event_parts.remarks(event.remarks)
            )
        case e.FilingAccepted():
            return s.FilingAccepted(**ids, decided_by=_by(decided_by))
        case e.NoticeStarted():
            return s.NoticeStarted(
                **ids,
                enterprise_name=filed.enterprise_name(stored),
                starts_on=event.notice.starts_on,
                ends_on=event.notice.ends_on,
                working_days=event.notice.working_days,
            )
        case e.ObjectionRaised():
            return s.ObjectionRaised(
                **ids,
                objection_id=event.objection_id,
                text=event.text,
                contact_email=event.contact_email,
            )
        case e.ObjectionUpheld() | e.ObjectionDismissed():
            resolved = (
                s.ObjectionUpheld if isinstance(event, e.ObjectionUpheld) else s.ObjectionDismissed
            )
            return resolved(
                **ids,
                objection_id=event.objection_id,
                decided_by=_by(decided_by),
                reason=event.reason,
            )
        case e.NoticeClosed():
            return s.NoticeClosed(
                **ids, objection_count=event.objection_count, upheld_count=event.upheld_count
            )
        case e.FilingRejected():
            return s.FilingRejected(
                **ids,
                decided_by=_by(decided_by),
                reason=event.reason,
                remarks=event_parts.remarks(event.remarks),
                upheld_objection_ids=event.upheld_objection_ids,
            )
        case e.FilingFiled():
            return _filed(ids, event, stored)
        case e.FilingSuspended():
            return s.FilingSuspended(
                **ids, decided_by=_by(decided_by), reason=event.reason, until=event.until
            )
        case e.FilingReinstated():
            return s.FilingReinstated(**ids, decided_by=_by(decided_by), reason=event.reason)
        case e.FilingRevoked():
            return s.FilingRevoked(**ids, decided_by=_by(decided_by), reason=event.reason)
        case e.InstitutionCodeAssigned():
            return s.InstitutionCodeAssigned(
                **ids,
                decided_by=_by(decided_by),
                institution_code=event.institution_code,
                previous_code=event.previous_code,
            )
    raise TypeError(f"no integration event for {type(event).__name__}")


def _filed(ids: dict[str, Any], event: e.FilingFiled, stored: StoredFiling) -> s.FilingFiled:
    application = complete_application(ApplicationDraft.model_validate(stored.application))
    catalog = stored_catalog(stored)
    receipt = event.receipt
    return s.FilingFiled(
        **ids,
        receipt_number=receipt.number,
        filed_on=receipt.issued_on,
        enterprise_name=application.enterprise_name,
        enterprise_short_name=catalog.header.short_name,
        address=application.address,
        email=application.email,
        institution_category=receipt.institution_category,
        institution_code=receipt.institution_code,
        province_code=receipt.province_code,
        institution_serial=receipt.institution_serial,
        catalog=event_parts.catalog_entries(catalog),
    )


def _by(decided_by: str | None) -> str:
    if decided_by is None:
        raise ValueError("this event records who decided, but no one was given")
    return decided_by


def stored_catalog(stored: StoredFiling) -> Catalog:
    if stored.catalog is None:
        raise ValueError(f"filing {stored.filing.filing_id} has no catalog")
    return Catalog.model_validate(stored.catalog)


def shared_application(stored: StoredFiling) -> FilingApplication:
    """附件1 as the shared schema has it; postcode and website come from the 附表 header."""
    form = complete_application(ApplicationDraft.model_validate(stored.application))
    header = stored_catalog(stored).header
    return FilingApplication(
        enterprise_name=form.enterprise_name,
        enterprise_short_name=header.short_name,
        address=form.address,
        postcode=header.postal_code,
        website=header.website,
        registration_authority=form.registration_authority,
        nature=form.nature,
        business_scope=form.business_scope,
        principal=Person(
            name=form.principal.name, title=form.principal.position, phone=form.principal.phone
        ),
        email=form.email,
        contact=Person(
            name=form.contact.name,
            title=form.contact.position,
            phone=form.contact.phone,
            mobile=form.contact.mobile,
        ),
    )


def shared_materials(stored: StoredFiling) -> tuple[MaterialFile, ...]:
    return tuple(
        MaterialFile(
            item=kind.number,
            file_id=record["file_id"],
            filename=record["filename"],
            content_type=record["content_type"],
            size_bytes=record["size_bytes"],
            sha256=record["sha256"],
        )
        for kind in MaterialKind
        if (record := stored.materials.get(kind.value)) is not None
    )
