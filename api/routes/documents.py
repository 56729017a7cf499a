"""Admin document management: ``/v1/documents`` (upload, list, get, delete)."""
from __future__ import annotations

import re
from urllib.parse import unquote

from fastapi import APIRouter, HTTPException, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from api.security import AdminOnly

router = APIRouter(tags=["documents (admin)"])
_COPY_BLOCK = 1 << 20
_FILENAME_STAR = re.compile(r"filename\*\s*=\s*([\w!#$&+.^`|~-]+)'[\w-]*'([^;\s]+)", re.IGNORECASE)


def uploaded_name(upload: UploadFile) -> str:
    """The file's name as sent: RFC 5987 ``filename*=UTF-8''…`` wins over ``filename``
    (browsers and clients put the real Vietnamese name there)."""
    disposition = upload.headers.get("content-disposition", "")
    match = _FILENAME_STAR.search(disposition)
    if match:
        try:
            return unquote(match.group(2), encoding=match.group(1), errors="strict")
        except (LookupError, UnicodeDecodeError):
            pass
    return upload.filename or "upload"


def _manager(request: Request):
    manager = request.app.state.documents
    if manager is None:
        raise HTTPException(status_code=503, detail="Quản lý tài liệu chưa được bật cho chỉ mục này.")
    return manager


@router.post("/v1/documents", status_code=202)
async def upload_document(request: Request, file: UploadFile, _admin: AdminOnly) -> dict:
    """Upload one document; it is ingested in the background (poll ``GET /v1/documents/{id}``).

    The size limit (``MTTQ_MAX_UPLOAD_BYTES``) is enforced while the body streams in (413).
    """
    manager = _manager(request)
    job, path = manager.new_job(uploaded_name(file))
    limit = request.app.state.settings.max_upload_bytes
    size = 0
    with open(path, "wb") as out:
        while block := await file.read(_COPY_BLOCK):
            size += len(block)
            if size > limit:
                out.close()
                path.unlink(missing_ok=True)
                manager.jobs.pop(job.id, None)
                raise HTTPException(status_code=413, detail="Tệp tải lên quá lớn.")
            out.write(block)
    job.size = size
    manager.submit(job)
    return job.public()


@router.get("/v1/documents")
async def list_documents(request: Request, _admin: AdminOnly) -> dict:
    """Indexed documents (metadata, chunk count) and recent uploads with their status."""
    manager = _manager(request)
    documents = await run_in_threadpool(manager.documents)
    return {"documents": documents, "uploads": [j.public() for j in manager.jobs.values()]}


@router.get("/v1/documents/{item_id}")
async def get_document(item_id: str, request: Request, _admin: AdminOnly) -> dict:
    """One indexed document (by document id) or one upload (by upload id)."""
    manager = _manager(request)
    if item_id in manager.jobs:
        return {"upload": manager.jobs[item_id].public()}
    for doc in await run_in_threadpool(manager.documents):
        if doc["id"] == item_id:
            return {"document": doc}
    raise HTTPException(status_code=404, detail="Không tìm thấy tài liệu này.")


@router.delete("/v1/documents/{doc_id}", status_code=204)
async def delete_document(doc_id: str, request: Request, _admin: AdminOnly) -> Response:
    """Remove a document from the index; it no longer appears in search or answers."""
    if not await run_in_threadpool(_manager(request).delete, doc_id):
        raise HTTPException(status_code=404, detail="Không tìm thấy tài liệu này.")
    return Response(status_code=204)
