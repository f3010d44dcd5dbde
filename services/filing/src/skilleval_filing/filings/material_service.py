"""The ten 附件2 materials as uploaded files: type and size checked, SHA-256 recorded."""

from __future__ import annotations

from dataclasses import replace

from skilleval_filing.actors import Caller
from skilleval_filing.filings.materials import MaterialKind
from skilleval_filing.filings.repository import FilingRepository
from skilleval_filing.filings.service import editable, load
from skilleval_shared.domain_errors import NotFound
from skilleval_shared.envelope import utc_now
from skilleval_shared.file_types import CheckedUpload
from skilleval_shared.storage.files import FileStore, StoredFile
from skilleval_shared.storage.mongo import Document


async def attach_material(
    filings: FilingRepository,
    files: FileStore,
    *,
    filing_id: str,
    kind: MaterialKind,
    upload: CheckedUpload,
    caller: Caller,
) -> Document:
    """Store the file and put it in the filing, replacing an earlier upload of the same item."""
    stored = await editable(filings, filing_id, caller)
    saved = await files.save(
        owner_uscc=stored.filing.uscc,
        filename=upload.filename,
        content_type=upload.file_type.media_type,
        content=upload.content,
    )
    record = {
        "file_id": saved.file_id,
        "filename": saved.filename,
        "content_type": saved.content_type,
        "size_bytes": saved.size_bytes,
        "sha256": saved.sha256,
        "uploaded_at": utc_now().isoformat(),
    }
    await filings.save(replace(stored, materials={**stored.materials, kind.value: record}))
    return record


async def material_file(
    filings: FilingRepository, files: FileStore, *, filing_id: str, kind: MaterialKind
) -> StoredFile:
    stored = await load(filings, filing_id)
    record = stored.materials.get(kind.value)
    if record is None:
        raise NotFound(f"尚未上传材料“{kind.number}. {kind.label}”")
    found = await files.get(record["file_id"])
    if found is None or found.owner_uscc != stored.filing.uscc:
        raise NotFound("文件不存在")
    return found
