"""Domain values as the value objects the shared filing events carry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from skilleval_filing.catalog.table import CatalogTable
from skilleval_filing.entrustments.model import ScopeRow
from skilleval_filing.filings.application import complete_application
from skilleval_filing.filings.materials import MaterialKind
from skilleval_filing.filings.model import FilingRecord, UploadedMaterial
from skilleval_filing.filings.receipt import Receipt
from skilleval_filing.filings.remarks import Remark
from skilleval_shared.events import fields
from skilleval_shared.events.filing import FilingFiled
from skilleval_shared.events.filing_parts import (
    EntrustedScope,
    FilingApplication,
    MaterialFile,
    Person,
)


def catalog_entries(catalog: CatalogTable) -> tuple[fields.CatalogEntry, ...]:
    return tuple(
        fields.CatalogEntry.model_validate(row.model_dump(mode="json")) for row in catalog.rows
    )


def remarks(items: Iterable[Remark]) -> tuple[fields.Remark, ...]:
    return tuple(fields.Remark(item=item.item, text=item.text) for item in items)


def scope(rows: Iterable[ScopeRow]) -> tuple[EntrustedScope, ...]:
    return tuple(EntrustedScope.model_validate(row.model_dump(mode="json")) for row in rows)


def _catalog(record: FilingRecord) -> CatalogTable:
    if record.catalog is None:
        raise ValueError(f"filing {record.filing_id} has no catalog")
    return record.catalog


def application(record: FilingRecord) -> FilingApplication:
    """附件1 as the shared schema has it; postcode and website come from the 附表 header."""
    form = complete_application(record.application)
    header = _catalog(record).header
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
        affiliation=form.affiliation,
    )


def materials(uploaded: Mapping[MaterialKind, UploadedMaterial]) -> tuple[MaterialFile, ...]:
    return tuple(
        MaterialFile(
            item=kind.number,
            file_id=found.file_id,
            filename=found.filename,
            content_type=found.content_type,
            size_bytes=found.size_bytes,
            sha256=found.sha256,
        )
        for kind in MaterialKind
        if (found := uploaded.get(kind)) is not None
    )


def filed(record: FilingRecord, receipt: Receipt) -> FilingFiled:
    form = complete_application(record.application)
    catalog = _catalog(record)
    return FilingFiled(
        uscc=record.uscc,
        filing_id=record.filing_id,
        receipt_number=receipt.number,
        filed_on=receipt.issued_on,
        enterprise_name=form.enterprise_name,
        enterprise_short_name=catalog.header.short_name,
        address=form.address,
        email=form.email,
        institution_category=receipt.institution_category,
        institution_code=receipt.institution_code,
        province_code=receipt.province_code,
        institution_serial=receipt.institution_serial,
        catalog=catalog_entries(catalog),
    )
