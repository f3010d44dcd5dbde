"""What the catalog endpoints answer: the current catalog, its history, one version, changes."""

from __future__ import annotations

from typing import Any

from skilleval_filing.catalog.book import (
    CatalogBooks,
    ChangeRecord,
    OpenBook,
    VersionRecord,
)
from skilleval_filing.catalog.table import Catalog
from skilleval_shared.domain_errors import NotFound


async def readable(books: CatalogBooks, uscc: str) -> OpenBook:
    opened = await books.open(uscc)
    if opened is None:
        raise NotFound("该企业尚未备案，没有职业（工种）目录")
    return opened


def catalog_json(catalog: Catalog) -> dict[str, Any]:
    return catalog.model_dump(mode="json")


def current(opened: OpenBook) -> dict[str, Any]:
    book = opened.book
    return {
        "uscc": book.uscc,
        "filing_id": book.filing_id,
        "version": book.current.number,
        "effective_on": book.history[-1].effective_on.isoformat(),
        "catalog": catalog_json(book.current.catalog),
    }


def version_entry(opened: OpenBook, record: VersionRecord) -> dict[str, Any]:
    receipt = opened.filing.filing.receipt
    entry = record.model_dump(mode="json", exclude={"commit"})
    if record.change_id is None:
        entry["source"] = "备案"
        entry["receipt_number"] = receipt.number if receipt else None
    else:
        entry["source"] = "目录调整"
    return entry


def history(opened: OpenBook) -> dict[str, Any]:
    return {
        "uscc": opened.book.uscc,
        "filing_id": opened.book.filing_id,
        "current_version": opened.book.current.number,
        "versions": [version_entry(opened, record) for record in opened.book.history],
    }


async def version(books: CatalogBooks, opened: OpenBook, number: int) -> dict[str, Any]:
    record = next((r for r in opened.book.history if r.version == number), None)
    if record is None:
        raise NotFound(f"没有第{number}版目录")
    catalog = await books.catalog_of(opened, record)
    return version_entry(opened, record) | {"catalog": catalog_json(catalog)}


def change(uscc: str, record: ChangeRecord) -> dict[str, Any]:
    request = record.request
    return {
        "change_id": record.change_id,
        "uscc": uscc,
        "status": record.state.value,
        "status_label": record.state.label,
        "base_version": request.base_version,
        "operations": [op.model_dump(mode="json") for op in request.change.operations],
        "explanation": request.change.explanation,
        "submitted_on": request.submitted_on.isoformat(),
        "submitted_by": record.submitted_by,
        "submitted_at": record.submitted_at.isoformat(),
        "decided_by": record.decided_by,
        "decided_at": record.decided_at.isoformat() if record.decided_at else None,
        "reason": request.review.reason,
        "remarks": [remark.model_dump(mode="json") for remark in request.review.remarks],
        "made_version": record.made_version,
    }
