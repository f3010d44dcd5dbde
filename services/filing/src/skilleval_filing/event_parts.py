"""Domain values as the value objects the shared filing events carry."""

from __future__ import annotations

from collections.abc import Iterable

from skilleval_filing.catalog.table import Catalog
from skilleval_filing.entrustments.model import ScopeRow
from skilleval_filing.filings.remarks import Remark
from skilleval_shared.events import fields
from skilleval_shared.events.filing_parts import EntrustedScope


def catalog_entries(catalog: Catalog) -> tuple[fields.CatalogEntry, ...]:
    return tuple(
        fields.CatalogEntry.model_validate(row.model_dump(mode="json")) for row in catalog.rows
    )


def remarks(items: Iterable[Remark]) -> tuple[fields.Remark, ...]:
    return tuple(fields.Remark(item=item.item, text=item.text) for item in items)


def scope(rows: Iterable[ScopeRow]) -> tuple[EntrustedScope, ...]:
    return tuple(EntrustedScope.model_validate(row.model_dump(mode="json")) for row in rows)
