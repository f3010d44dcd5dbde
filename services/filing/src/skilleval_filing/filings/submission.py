"""What a filing must contain before it can be submitted: form, ten materials, catalog."""

from __future__ import annotations

from collections.abc import Iterable

from skilleval_filing.catalog.table import CatalogTable
from skilleval_filing.filings.application import ApplicationDraft, missing_fields
from skilleval_filing.filings.jurisdiction import ensure_registered_here
from skilleval_filing.filings.materials import MaterialKind, describe, missing_materials
from skilleval_shared.domain_errors import InvalidRequest

CATALOG_LABEL = "职业技能等级认定职业（工种）和标准目录清单（附表）"


class IncompleteFiling(InvalidRequest):
    """Lists, part by part, everything still missing, so the user can fix it in one go."""

    def __init__(
        self,
        missing_fields: list[str],
        missing_materials: list[MaterialKind],
        catalog_missing: bool,
    ) -> None:
        sections = []
        if missing_fields:
            sections.append(f"申请表缺少：{'、'.join(missing_fields)}")
        if missing_materials:
            sections.append(f"备案材料缺少：{'；'.join(map(describe, missing_materials))}")
        if catalog_missing:
            sections.append(f"尚未填写{CATALOG_LABEL}")
        errors = [
            {"field": f"application.{label}", "message": "未填写"} for label in missing_fields
        ]
        errors += [
            {"field": f"materials.{kind.value}", "message": f"未上传：{describe(kind)}"}
            for kind in missing_materials
        ]
        if catalog_missing:
            errors.append({"field": "catalog", "message": f"未填写{CATALOG_LABEL}"})
        super().__init__(
            f"备案申请不完整。{'。'.join(sections)}。",
            errors=errors,
            missing_fields=missing_fields,
            missing_materials=[
                {"item": kind.number, "kind": kind.value, "label": kind.label}
                for kind in missing_materials
            ],
            catalog_missing=catalog_missing,
        )
        self.missing_fields = missing_fields
        self.missing_materials = missing_materials
        self.catalog_missing = catalog_missing


def check_submission(
    *,
    uscc: str,
    application: ApplicationDraft,
    uploaded_materials: Iterable[MaterialKind],
    catalog: CatalogTable | None,
) -> None:
    """Raise ``NotPermitted`` for an enterprise registered outside Qingdao, ``IncompleteFiling``
    unless everything is there, or ``InvalidRequest`` on a form filed under another enterprise's
    code."""
    ensure_registered_here(uscc)
    fields = missing_fields(application)
    materials = missing_materials(uploaded_materials)
    if fields or materials or catalog is None:
        raise IncompleteFiling(fields, materials, catalog is None)
    if application.uscc != uscc:
        raise InvalidRequest("申请表中的统一社会信用代码与备案企业账号不一致")
