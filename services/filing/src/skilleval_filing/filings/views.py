"""What callers see of a filing: the enterprise and staff views, and the public notice."""

from __future__ import annotations

from datetime import date
from typing import Any

from skilleval_filing.catalog.table import Catalog
from skilleval_filing.filings.application import ApplicationDraft, missing_fields
from skilleval_filing.filings.lifecycle import Actor, FilingState, allowed_actions
from skilleval_filing.filings.materials import MaterialKind, missing_materials
from skilleval_filing.filings.model import Objection
from skilleval_filing.filings.repository import StoredFiling

EDITABLE = frozenset({FilingState.DRAFT, FilingState.RETURNED})


def filing_view(stored: StoredFiling, actor: Actor) -> dict[str, Any]:
    filing = stored.filing
    staff = actor is not Actor.ENTERPRISE
    view: dict[str, Any] = {
        "filing_id": filing.filing_id,
        "uscc": filing.uscc,
        "status": filing.state.value,
        "status_label": filing.state.label,
        "version": stored.version,
        "application": stored.application,
        "catalog": stored.catalog,
        "materials": [_material(kind, stored.materials.get(kind.value)) for kind in MaterialKind],
        "return_remarks": [remark.model_dump() for remark in filing.return_remarks],
        "status_reason": filing.status_reason,
        "notice": filing.notice.model_dump(mode="json") if filing.notice else None,
        "objections": [_objection(objection, staff=staff) for objection in filing.objections],
        "receipt": _receipt(stored),
        "institution_code": filing.institution_code,
        "allowed_actions": [action.value for action in allowed_actions(filing.state, actor)],
    }
    if filing.state in EDITABLE:
        view["missing"] = missing_parts(stored)
    return view


def missing_parts(stored: StoredFiling) -> dict[str, Any]:
    """What submission would still ask for, so the enterprise can see it before submitting."""
    draft = ApplicationDraft.model_validate(stored.application)
    uploaded = [MaterialKind(kind) for kind in stored.materials]
    return {
        "fields": missing_fields(draft),
        "materials": [_kind(kind) for kind in missing_materials(uploaded)],
        "catalog": stored.catalog is None,
    }


def summary_view(stored: StoredFiling) -> dict[str, Any]:
    """One line of a staff list."""
    return {
        "filing_id": stored.filing.filing_id,
        "uscc": stored.filing.uscc,
        "enterprise_name": stored.application.get("enterprise_name"),
        "status": stored.filing.state.value,
        "status_label": stored.filing.state.label,
        "version": stored.version,
        "notice": stored.filing.notice.model_dump(mode="json") if stored.filing.notice else None,
        "unresolved_objections": len(stored.filing.unresolved_objections),
    }


def notice_view(stored: StoredFiling, today: date) -> dict[str, Any]:
    """The public notice (公示): who, what they will evaluate, and until when; no contacts."""
    notice = stored.filing.notice
    assert notice is not None, "a filing on notice always has a notice window"
    catalog = Catalog.model_validate(stored.catalog) if stored.catalog else None
    return {
        "filing_id": stored.filing.filing_id,
        "uscc": stored.filing.uscc,
        "enterprise_name": stored.application.get("enterprise_name"),
        "enterprise_short_name": catalog.header.short_name if catalog else None,
        "notice": {
            "starts_on": notice.starts_on.isoformat(),
            "ends_on": notice.ends_on.isoformat(),
            "working_days": notice.working_days,
        },
        "accepting_objections": notice.accepts_objection_on(today),
        "catalog": [
            {
                "occupation_name": row.occupation_name,
                "occupation_code": row.occupation_code,
                "work_type": row.work_type or "--",
                "levels": row.levels_text,
                "standard": row.standard.value,
            }
            for row in (catalog.rows if catalog else ())
        ],
    }


def _kind(kind: MaterialKind) -> dict[str, Any]:
    return {"item": kind.number, "kind": kind.value, "label": kind.label}


def _material(kind: MaterialKind, record: dict[str, Any] | None) -> dict[str, Any]:
    return {**_kind(kind), "file": record}


def _objection(objection: Objection, *, staff: bool) -> dict[str, Any]:
    view = objection.model_dump(mode="json")
    if not staff:
        # The enterprise sees what was objected and how it was decided, never by whom.
        for private in ("objector_name", "contact_email", "contact_phone"):
            view.pop(private, None)
    return view


def _receipt(stored: StoredFiling) -> dict[str, Any] | None:
    receipt = stored.filing.receipt
    if receipt is None:
        return None
    return {
        **receipt.model_dump(mode="json"),
        "certificate_number_prefix": receipt.certificate_number_prefix,
    }
