"""The ten 附件2 materials as uploaded files: type and size checked, SHA-256 recorded."""

from __future__ import annotations

from skilleval_filing.actors import Caller
from skilleval_filing.filings.materials import MaterialKind
from skilleval_filing.filings.model import UploadedMaterial
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.filings.service import editable
from skilleval_shared.domain_errors import NotFound
from skilleval_shared.envelope import utc_now
from skilleval_shared.file_types import CheckedUpload
from skilleval_shared.storage.files import FileStore, StoredFile


async def attach_material(
    *,
    filings: FilingRepository,
    files: FileStore,
    caller: Caller,
    filing_id: str,
    kind: MaterialKind,
    upload: CheckedUpload,
) -> UploadedMaterial:
    """Store the file and put it in the filing, replacing an earlier upload of the same item."""
    found = await editable(filings=filings, caller=caller, filing_id=filing_id)
    saved = await files.save(
        owner_uscc=found.state.uscc,
        filename=upload.filename,
        content_type=upload.file_type.media_type,
        content=upload.content,
    )
    material = UploadedMaterial(
        file_id=saved.file_id,
        filename=saved.filename,
        content_type=saved.content_type,
        size_bytes=saved.size_bytes,
        sha256=saved.sha256,
        uploaded_at=utc_now(),
    )
    materials = {**found.state.materials, kind: material}
    await filings.save(
        filing_id, found.version, found.state.model_copy(update={"materials": materials})
    )
    return material


async def material_file(
    *, filings: FilingRepository, files: FileStore, filing_id: str, kind: MaterialKind
) -> StoredFile:
    found = await filings.get(filing_id)
    material = found.state.materials.get(kind)
    if material is None:
        raise NotFound(f"尚未上传材料“{kind.number}. {kind.label}”")
    stored = await files.get(material.file_id)
    if stored is None or stored.owner_uscc != found.state.uscc:
        raise NotFound("文件不存在")
    return stored
