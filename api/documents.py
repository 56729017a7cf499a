"""Document management for the portal's staff: uploads ingested in the background,
listing, deletion; every change written as a new index version and swapped in live."""
from __future__ import annotations

import logging
import queue
import re
import threading
import unicodedata
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from api.components import renewed
from assistant.respond import Responder
from ingest.pipeline import file_sha256, ingest_one
from ingest.types import Chunk
from vectorstore.stores.base import ChunkStore
from vectorstore.update import apply_change

log = logging.getLogger(__name__)
_UNSAFE = re.compile(r"[^\w\-. ()]+", re.UNICODE)
_MAX_NAME_BYTES = 200  # file systems allow 255 bytes; Vietnamese letters take up to 3


def display_name(name: str) -> str:
    """The name to show: the uploaded name in NFC, exactly ("Kế hoạch 15/KH-MTTQ.docx")."""
    return unicodedata.normalize("NFC", name or "").strip() or "upload"


def safe_name(name: str) -> str:
    """A stored file name from an uploaded one: NFC; path separators, ``..`` and other
    characters outside word characters and ``-._ ()`` become ``_``; at most 200 UTF-8
    bytes, cut on a character boundary, suffix kept. Vietnamese letters stay."""
    name = unicodedata.normalize("NFC", name or "")
    name = _UNSAFE.sub("_", name.replace("/", "_").replace("\\", "_")).strip(" ._") or "upload"
    name = re.sub(r"\.{2,}", ".", name)
    if len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        stem, dot, suffix = name.rpartition(".")
        suffix = f".{suffix[:10]}" if dot else ""
        stem = stem if dot else name
        while len((stem + suffix).encode("utf-8")) > _MAX_NAME_BYTES:
            stem = stem[:-1]
        name = stem + suffix
    return name


def numbered_name(name: str, taken: set[str]) -> str:
    """``name``, or the first of "stem (2).ext", "stem (3).ext" … not in ``taken`` (as file
    managers name a second file of the same name)."""
    if name not in taken:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, ""
    n = 2
    while f"{stem} ({n}){'.' + suffix if suffix else ''}" in taken:
        n += 1
    return f"{stem} ({n}){'.' + suffix if suffix else ''}"


@dataclass
class UploadJob:
    """One uploaded file on its way into the index.

    ``status``: queued, processing, ok, duplicate, failed (``reason`` and ``message`` say
    why), then possibly replaced or deleted when its document later leaves the index.
    ``file_name`` is the name as uploaded; ``stored_name`` the document's name in the index
    (the same, or "ke-hoach (2).md" when another document already has that name).
    ``replaces``: the id of the document this upload replaces (``PUT /v1/documents/{id}``),
    or ``"by-name"`` (``replace=true``: the one document with the same name).
    ``doc_id``: the document that holds this upload's content (for a duplicate, the earlier
    one); None once that document is gone.
    """

    id: str
    file_name: str  # as uploaded (NFC), for display and citations
    stored_path: str
    size: int
    status: str = "queued"
    reason: str = ""
    message: str = ""
    doc_id: str | None = None
    chunks: int = 0
    stored_name: str | None = None
    replaces: str | None = None
    replaced_doc_id: str | None = None
    url: str | None = None
    created_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    finished_at: str | None = None

    def public(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("stored_path")
        return data


class JobBook:
    """Upload jobs by id: everyone's in the shared message store (``book``:
    :class:`api.messages.MessageStore` or its PostgreSQL twin), so a status asked of any
    worker is the last one any worker wrote (the ingesting worker, or one that replaced or
    deleted the job's document since); this worker's jobs in memory while they are reserved
    or being ingested here (without a book: all of them)."""

    def __init__(self, book=None) -> None:
        self.local: dict[str, UploadJob] = {}
        self.book = book

    def save(self, job: UploadJob) -> None:
        self.local[job.id] = job
        if self.book is not None:
            self.book.save_job(job.id, asdict(job))

    def finish(self, job: UploadJob) -> None:
        """Save a job this worker is done with; from now on the shared record is the job."""
        self.save(job)
        if self.book is not None:
            self.local.pop(job.id, None)

    def __setitem__(self, job_id: str, job: UploadJob) -> None:
        self.local[job_id] = job

    def get(self, job_id: str) -> UploadJob | None:
        """The job as this worker is ingesting it (the live object), else the shared record."""
        if job_id in self.local:
            return self.local[job_id]
        data = self.book.job(job_id) if self.book is not None else None
        return None if data is None else UploadJob(**{k: v for k, v in data.items()
                                                      if k in UploadJob.__dataclass_fields__})

    def __contains__(self, job_id: str) -> bool:
        return self.get(job_id) is not None

    def __getitem__(self, job_id: str) -> UploadJob:
        job = self.get(job_id)
        if job is None:
            raise KeyError(job_id)
        return job

    def pop(self, job_id: str, default=None):
        if self.book is not None:
            self.book.delete_job(job_id)
        return self.local.pop(job_id, default)

    def values(self, limit: int | None = 100) -> list[UploadJob]:
        """Jobs, oldest first: this worker's own, or with a shared store the newest ``limit``
        (None: all) of every worker's (those in progress here as the live objects)."""
        if self.book is None:
            return list(self.local.values())
        return [self.local.get(d["id"]) or UploadJob(**{k: v for k, v in d.items()
                                                        if k in UploadJob.__dataclass_fields__})
                for d in reversed(self.book.recent_jobs(limit))]


class ReplaceTargetError(LookupError):
    """``PUT /v1/documents/{id}`` names a document that is not in the index."""


BY_NAME = "by-name"


_DOCUMENT_KEYS = ("doc_id", "title", "source", "file_name", "upload_name", "url", "doc_type", "so_hieu", "date",
                  "issuer", "format", "upload_id", "sha256", "text_sha256")


def _documents_of(store: ChunkStore) -> dict[str, dict[str, Any]]:
    """Documents by id, from the store's one entry per document: metadata and chunk counts."""
    return {meta.get("doc_id", ""): {"id": meta.get("doc_id"), **{k: meta.get(k) for k in _DOCUMENT_KEYS},
                                     "chunks": meta.get("chunks", 0), "status": "indexed"}
            for meta in store.documents()}


class DocumentManager:
    """Owns changes to the live index of a :class:`Responder`.

    Changes are applied to the responder's store (a new version of its directory, or a
    transaction in its database), so every worker process sees them on its next request.
    Decisions that read the index (duplicates, same names, what to replace, the list) read
    it at its newest version: another worker may have changed it.

    Args:
        responder: whose assistant is replaced after each change.
        upload_dir: where uploaded files are kept.
        book: the shared record of upload jobs (see :class:`JobBook`).
        live: the app's :class:`api.live.LiveIndex`, which brings the responder to the
            newest index (None: this process is the only writer).
    """

    def __init__(self, responder: Responder, upload_dir: Path, book=None, live=None) -> None:
        self.responder = responder
        self.upload_dir = upload_dir
        self.jobs = JobBook(book)
        self.live = live
        self._lock = threading.Lock()  # one index change at a time
        self._queue: queue.Queue[str] = queue.Queue()
        self._worker = threading.Thread(target=self._work, name="mttq-ingest", daemon=True)
        self._worker.start()

    # -- uploads -------------------------------------------------------------------
    def new_job(self, original_name: str, *, replaces: str | None = None, url: str | None = None
                ) -> tuple[UploadJob, Path]:
        """Reserve a job and the path its file is to be written to (its own folder, so two
        uploads of one name never share a file). ``replaces``: a document id, or
        ``"by-name"``; ``url``: the document's public address.

        Raises:
            ReplaceTargetError: ``replaces`` is an id that is not in the index.
        """
        if replaces not in (None, BY_NAME) and replaces not in self._doc_ids():
            raise ReplaceTargetError(replaces)
        job_id = uuid.uuid4().hex
        path = self.upload_dir / job_id / safe_name(original_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        job = UploadJob(id=job_id, file_name=display_name(original_name), stored_path=str(path), size=0,
                        replaces=replaces, url=url)
        self.jobs[job_id] = job
        return job, path

    def submit(self, job: UploadJob) -> None:
        """Queue a written upload for ingestion in the background (by this worker; its
        state is shared, so any worker answers about it)."""
        self.jobs.save(job)
        self._queue.put(job.id)

    def wait(self) -> None:
        """Block until every queued upload is processed (tests, scripts)."""
        self._queue.join()

    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            job = self.jobs.local[job_id]
            try:
                self._ingest(job)
            except Exception as exc:  # noqa: BLE001 - a job fails, the worker goes on
                log.exception("upload %s failed", job_id)
                job.status, job.reason, job.message = "failed", "internal_error", f"{type(exc).__name__}: {exc}"
            finally:
                job.finished_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
                try:
                    self.jobs.finish(job)
                finally:
                    self._queue.task_done()

    def _ingest(self, job: UploadJob) -> None:
        job.status = "processing"
        self.jobs.save(job)
        embeddings = self.responder.assistant.retriever.embeddings
        chunks: list[Chunk] = []
        status = ingest_one(Path(job.stored_path), chunks, count_tokens=embeddings.count_tokens,
                            max_tokens=embeddings.max_tokens - 8)
        if status.status != "ok":
            job.status, job.reason, job.message = "failed", status.reason, status.message
            return
        with self._lock:
            store = self._store()
            docs = _documents_of(store)
            try:
                target = self._replace_target(job, docs)
            except ReplaceTargetError as exc:
                job.status, job.reason, job.message = "failed", "replace_target", str(exc)
                return
            digest = file_sha256(Path(job.stored_path))
            text_digest = chunks[0].metadata.get("text_sha256") if chunks else None
            # the same bytes, or the same text in other bytes (NFC / NFD, another encoding)
            same = next((d for d in docs.values() if d.get("sha256") == digest
                         or (text_digest and d.get("text_sha256") == text_digest)), None)
            if same is not None:
                job.status, job.reason, job.doc_id = "duplicate", "duplicate", same["doc_id"]
                if same["doc_id"] == target:
                    job.message = (f"Tệp \"{job.file_name}\" giống hệt tài liệu cần thay thế "
                                   f"\"{same['source']}\": không có gì thay đổi.")
                else:
                    job.message = (f"Tệp \"{job.file_name}\" có nội dung giống hệt tệp \"{same['source']}\" đã có "
                                   f"(tài liệu \"{same.get('title') or same['source']}\"): không nạp lại.")
                return
            # two documents never share a name: the later one is numbered, never a replacement
            taken = {d["source"] for d in docs.values() if d["doc_id"] != target}
            job.stored_name = numbered_name(job.file_name, taken)
            extra = {"source": job.stored_name, "upload_name": job.file_name, "upload_id": job.id}
            if job.url:
                extra["url"] = job.url
            for chunk in chunks:
                chunk.metadata.update(extra)
            self._swap(apply_change(store, embeddings, add=chunks, remove_doc_ids=[target] if target else []))
            job.status, job.chunks, job.doc_id = "ok", len(chunks), chunks[0].metadata["doc_id"]
            notes = [status.message] if status.message else []
            if target:
                job.replaced_doc_id = target
                notes.insert(0, f"Đã thay thế tài liệu \"{docs[target]['source']}\" (mã {target}).")
                self._forget(target, "replaced", f"Đã được thay bằng tệp \"{job.file_name}\" (tải lên {job.id}).")
            elif job.stored_name != job.file_name:
                notes.insert(0, f"Đã có tài liệu khác tên \"{job.file_name}\": tài liệu này được lưu với tên "
                                f"\"{job.stored_name}\", cả hai được giữ. Để thay thế tài liệu cũ, tải lên với "
                                "replace=true hoặc PUT /v1/documents/{mã tài liệu}.")
            job.message = " ".join(notes)

    def _replace_target(self, job: UploadJob, docs: dict[str, dict[str, Any]]) -> str | None:
        """The id of the document ``job`` replaces, or None.

        Raises:
            ReplaceTargetError: the named document is gone, or ``replace=true`` matches
                several documents (an id must then say which).
        """
        if job.replaces is None:
            return None
        if job.replaces != BY_NAME:
            if job.replaces not in docs:
                raise ReplaceTargetError(f"Tài liệu cần thay thế (mã {job.replaces}) không còn trong chỉ mục.")
            return job.replaces
        named = [d["doc_id"] for d in docs.values() if job.file_name in (d.get("upload_name"), d.get("file_name"))]
        if len(named) > 1:
            raise ReplaceTargetError(f"Có {len(named)} tài liệu tên \"{job.file_name}\" ({', '.join(named)}): "
                                     "hãy chọn tài liệu cần thay bằng PUT /v1/documents/{mã tài liệu}.")
        return named[0] if named else None

    def _forget(self, doc_id: str, status: str, note: str) -> None:
        """Uploads whose content lived in ``doc_id`` no longer point at it: their own upload
        becomes ``status`` (replaced, deleted); a duplicate of it stays a duplicate, now of
        nothing, and says so. A duplicate is not promoted: removing a document removes its
        content, which a byte-identical copy must not bring back unasked."""
        when = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for job in self.jobs.values(limit=None):
            if job.doc_id != doc_id:
                continue
            job.doc_id = None
            if job.status == "duplicate":
                job.message = (f"Tệp \"{job.file_name}\" trùng nội dung với tài liệu mã {doc_id}, tài liệu này đã "
                               f"rời chỉ mục lúc {when} ({note.rstrip('.')}). Tệp này chưa được lập chỉ mục: "
                               "tải lên lại nếu cần giữ nội dung.")
            else:
                job.status = status
                job.message = f"{note} ({when})"
            self.jobs.save(job)  # every worker answers about it

    # -- documents -----------------------------------------------------------------
    def documents(self) -> list[dict[str, Any]]:
        """Indexed documents with their metadata and chunk counts."""
        return [{k: v for k, v in d.items() if k not in ("doc_id", "sha256")}
                for d in _documents_of(self._store()).values()]

    def _doc_ids(self) -> set[str]:
        return set(_documents_of(self._store()))

    def _store(self) -> ChunkStore:
        """The responder's store at the newest version of the index."""
        if self.live is not None:
            self.live.refresh()
        return self.responder.assistant.retriever.store

    def delete(self, doc_id: str) -> bool:
        """Remove a document from the index (a new version, swapped in); False if unknown.
        Uploads that pointed at it are updated (see :meth:`_forget`)."""
        with self._lock:
            store = self._store()
            if not any(d.get("doc_id") == doc_id for d in store.documents()):
                return False
            self._swap(apply_change(store, self.responder.assistant.retriever.embeddings, remove_doc_ids=[doc_id]))
            self._forget(doc_id, "deleted", "Tài liệu đã bị xóa khỏi chỉ mục.")
            return True

    def _swap(self, store: ChunkStore) -> None:
        """Answer from ``store`` from now on (a new version, or the database just changed)."""
        self.responder.assistant = renewed(self.responder.assistant, store)
