"""Admin document management: ``/v1/documents`` (upload, replace, list, get, delete)."""
from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import unquote, urlsplit

from fastapi import APIRouter, Form, HTTPException, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from api.documents import BY_NAME, ReplaceTargetError
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


def _public_url(url: str | None) -> str | None:
    """The document's public address as given at upload: http(s) with a host, or 422."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2048 or any(c.isspace() for c in url):
        raise HTTPException(status_code=422, detail="Trường \"url\" phải là địa chỉ http:// hoặc https:// "
                                                    "của văn bản (tối đa 2048 ký tự).")
    return url


async def _receive(request: Request, file: UploadFile, replaces: str | None, url: str | None) -> dict:
    manager = _manager(request)
    try:
        job, path = manager.new_job(uploaded_name(file), replaces=replaces, url=_public_url(url))
    except ReplaceTargetError:
        raise HTTPException(status_code=404, detail="Không tìm thấy tài liệu cần thay thế.") from None
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


@router.post("/v1/documents", status_code=202)
async def upload_document(request: Request, file: UploadFile, _admin: AdminOnly,
                          replace: Annotated[bool, Form(description="Replace the one indexed document "
                                                                    "with this file name")] = False,
                          url: Annotated[str | None, Form(description="The document's public address")] = None
                          ) -> dict:
    """Upload one document; it is ingested in the background (poll ``GET /v1/documents/{id}``).

    A document is replaced only when asked: ``replace=true`` (the one document with this file
    name), or ``PUT /v1/documents/{id}``. Otherwise an upload whose name is taken is kept
    beside the other under a numbered name ("ke-hoach (2).md"). The size limit
    (``MTTQ_MAX_UPLOAD_BYTES``) is enforced while the body streams in (413).
    """
    return await _receive(request, file, BY_NAME if replace else None, url)


@router.put("/v1/documents/{doc_id}", status_code=202)
async def replace_document(doc_id: str, request: Request, file: UploadFile, _admin: AdminOnly,
                           url: Annotated[str | None, Form(description="The document's public address")] = None
                           ) -> dict:
    """Replace the document ``doc_id`` with a new file (ingested in the background like an
    upload; the old document leaves the index when the new one is in). 404 if unknown."""
    return await _receive(request, file, doc_id, url)


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
