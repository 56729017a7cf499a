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


@dataclass
class UploadJob:
    """One uploaded file on its way into the index. ``status``: queued, processing, ok,
    duplicate or failed (then ``reason`` and ``message`` say why)."""

    id: str
    file_name: str  # as uploaded (NFC), for display and citations
    stored_path: str
    size: int
    status: str = "queued"
    reason: str = ""
    message: str = ""
    doc_id: str | None = None
    chunks: int = 0
    created_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    finished_at: str | None = None

    def public(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("stored_path")
        return data


class JobBook:
    """Upload jobs by id: this worker's own in memory, everyone's in the shared message
    store (``book``: :class:`api.messages.MessageStore` or its PostgreSQL twin), so a
    status asked of any worker is the one the ingesting worker wrote."""

    def __init__(self, book=None) -> None:
        self.local: dict[str, UploadJob] = {}
        self.book = book

    def save(self, job: UploadJob) -> None:
        self.local[job.id] = job
        if self.book is not None:
            self.book.save_job(job.id, asdict(job))

    def __setitem__(self, job_id: str, job: UploadJob) -> None:
        self.local[job_id] = job

    def get(self, job_id: str) -> UploadJob | None:
        """This worker's own job (the live object), else the shared record of another's."""
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

    def values(self) -> list[UploadJob]:
        if self.book is None:
            return list(self.local.values())
        return [UploadJob(**{k: v for k, v in d.items() if k in UploadJob.__dataclass_fields__})
                for d in reversed(self.book.recent_jobs())]


class DocumentManager:
    """Owns changes to the live index of a :class:`Responder`.

    Changes are applied to the responder's store (a new version of its directory, or a
    transaction in its database), so every worker process sees them on its next request.

    Args:
        responder: whose assistant is replaced after each change.
        upload_dir: where uploaded files are kept.
    """

    def __init__(self, responder: Responder, upload_dir: Path, book=None) -> None:
        self.responder = responder
        self.upload_dir = upload_dir
        self.jobs = JobBook(book)
        self._lock = threading.Lock()  # one index change at a time
        self._queue: queue.Queue[str] = queue.Queue()
        self._worker = threading.Thread(target=self._work, name="mttq-ingest", daemon=True)
        self._worker.start()

    # -- uploads -------------------------------------------------------------------
    def new_job(self, original_name: str) -> tuple[UploadJob, Path]:
        """Reserve a job and the path its file is to be written to."""
        job_id = uuid.uuid4().hex
        path = self.upload_dir / job_id / safe_name(original_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        job = UploadJob(id=job_id, file_name=display_name(original_name), stored_path=str(path), size=0)
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
                    self.jobs.save(job)
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
            store = self.responder.assistant.retriever.store
            documents = store.documents()
            digest = file_sha256(Path(job.stored_path))
            same = next((d for d in documents if d.get("sha256") == digest), None)
            if same is not None:
                job.status, job.doc_id = "duplicate", same.get("doc_id")
                job.message = f"same content as '{same.get('title')}' already indexed"
                return
            # a new version of a file uploaded under the same name replaces the old one
            replaced = {d.get("doc_id") for d in documents if d.get("upload_name") == job.file_name}
            for chunk in chunks:
                chunk.metadata.update(source=job.file_name, upload_name=job.file_name, upload_id=job.id)
            self._swap(apply_change(store, embeddings, add=chunks, remove_doc_ids=replaced))
        job.status, job.chunks, job.doc_id, job.message = "ok", len(chunks), chunks[0].metadata["doc_id"], status.message
        if replaced:
            job.message = (job.message + "; " if job.message else "") + "replaced the earlier version"

    # -- documents -----------------------------------------------------------------
    def documents(self) -> list[dict[str, Any]]:
        """Indexed documents with their metadata and chunk counts."""
        keys = ("title", "source", "doc_type", "so_hieu", "date", "issuer", "format", "upload_id")
        return [{"id": meta.get("doc_id"), **{k: meta.get(k) for k in keys}, "chunks": meta.get("chunks", 0),
                 "status": "indexed"} for meta in self.responder.assistant.retriever.store.documents()]

    def delete(self, doc_id: str) -> bool:
        """Remove a document from the index (a new version, swapped in); False if unknown."""
        with self._lock:
            store = self.responder.assistant.retriever.store
            if not any(d.get("doc_id") == doc_id for d in store.documents()):
                return False
            self._swap(apply_change(store, self.responder.assistant.retriever.embeddings, remove_doc_ids=[doc_id]))
            return True

    def _swap(self, store: ChunkStore) -> None:
        """Answer from ``store`` from now on (a new version, or the database just changed)."""
        self.responder.assistant = renewed(self.responder.assistant, store)
