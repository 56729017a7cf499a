"""The store interface that the retriever, the assistant and the API read and write.

A store holds chunks, their vectors and their keyword index, addressed by **rows**:
integers that identify a chunk for as long as it is stored (positions in the embedded
directory's version, identity keys in PostgreSQL). Two implementations:
:class:`vectorstore.store.IndexStore` (FAISS + bm25s directory, no server) and
:class:`vectorstore.stores.pg.PgStore` (PostgreSQL + pgvector). The same retrieval tests
run on both (``tests/vectorstore/test_retriever.py``).
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Protocol, Sequence

import numpy as np

from ingest.normalize import fold_diacritics
from ingest.types import Chunk


@dataclass
class Ranked:
    """What one query found: the top rows of each ranking and the scores of a pool.

    ``dense`` and ``keyword`` are ``(row, score)`` lists, best first: cosine similarity in
    [-1, 1] and BM25 score (> 0 only). ``dense_scores`` / ``keyword_scores`` give both scores
    of every row in either list and of the rows asked for with ``also`` (0.0 for no keyword
    match). ``chunks`` holds those rows' chunks.
    """

    dense: list[tuple[int, float]]
    keyword: list[tuple[int, float]]
    dense_scores: dict[int, float] = field(default_factory=dict)
    keyword_scores: dict[int, float] = field(default_factory=dict)
    chunks: dict[int, Chunk] = field(default_factory=dict)


@dataclass
class CorpusStats:
    """Additive counts over the stored chunks, made by a :class:`CorpusProfile`.

    ``counts[kind][key]`` is whatever the profile counts (e.g. how many chunks hold a
    syllable); ``chunk_count`` the number of chunks counted.
    """

    chunk_count: int
    counts: dict[str, Counter[str]]


class CorpusProfile(Protocol):
    """Counts that a reader of the store needs over the whole corpus (the assistant's term
    statistics, accent restorer and gazetteer), computed per chunk and additive, so that a
    store can keep them up to date at each change instead of every worker reading every
    chunk. ``version`` names the counting: a store recounts when it changes."""

    version: str

    def count(self, chunks: Iterable[Chunk]) -> dict[str, Counter[str]]:
        """Counts of ``chunks``, by kind."""
        ...


# -- filters --------------------------------------------------------------------------------
FILTER_KEYS = ("doc_type", "issuer", "date_from", "date_to")


@dataclass(frozen=True)
class FilterFields:
    """The metadata a filter reads from a chunk, normalised once (at write time in SQL)."""

    doc_type: str
    issuer_words: frozenset[str]
    date: str | None


def words(text: str) -> frozenset[str]:
    """Accent-folded, lower-case words of ``text`` (how issuers are compared)."""
    return frozenset(re.findall(r"\w+", fold_diacritics(str(text or "").lower())))


def filter_fields(metadata: dict[str, Any]) -> FilterFields:
    """What :func:`passes` reads from a chunk's ``metadata``."""
    return FilterFields(doc_type=str(metadata.get("doc_type", "")).lower(),
                        issuer_words=words(metadata.get("issuer") or ""),
                        date=metadata.get("date") or None)


def clean_filters(filters: dict | None) -> dict[str, str]:
    """``filters`` without empty values; keys as in :func:`passes`."""
    return {k: v for k, v in (filters or {}).items() if v}


def passes(fields: FilterFields, filters: dict[str, str]) -> bool:
    """Whether a chunk passes ``filters`` (see :meth:`ChunkStore.search`).

    Keys: ``doc_type`` (equal, case-insensitive), ``issuer`` (all its words in the
    document's issuer, in any order, accents and case ignored: "Ủy ban MTTQ xã An Bình"
    finds "ỦY BAN MTTQ VIỆT NAM XÃ AN BÌNH"), ``date_from`` / ``date_to`` (ISO dates,
    inclusive; chunks of undated documents are excluded when either is given).
    """
    if "doc_type" in filters and fields.doc_type != str(filters["doc_type"]).lower():
        return False
    if "issuer" in filters and not words(filters["issuer"]) <= fields.issuer_words:
        return False
    if "date_from" in filters or "date_to" in filters:
        return bool(fields.date) and filters.get("date_from", "") <= fields.date <= filters.get("date_to", "9999")
    return True


# -- the interface --------------------------------------------------------------------------
class ChunkStore(ABC):
    """Chunks with their vectors and keyword index; read by the retriever, changed by
    ingestion and the admin API.

    ``manifest`` describes the index: ``embedding_model`` (the model id every vector was
    made with; a store refuses to open for another), ``dimension``, ``chunk_count``,
    ``document_count``, ``created_at``.
    """

    manifest: dict[str, Any]

    # -- reading ----------------------------------------------------------------------------
    @abstractmethod
    def __len__(self) -> int:
        """Number of chunks."""

    @abstractmethod
    def search(self, vector: np.ndarray, keyword_query: str, depth: int, filters: dict | None = None,
               also: Sequence[int] = ()) -> Ranked:
        """The ``depth`` best rows by cosine to ``vector`` ``(dim,)`` and by BM25 of
        ``keyword_query`` (analysed by :func:`vectorstore.analysis.analyze`), among the rows
        that pass ``filters`` (see :func:`passes`), with both scores and the chunks of the
        rows found and of ``also``."""

    @abstractmethod
    def reference_rows(self, refs: Sequence[str], filters: dict | None = None) -> list[int]:
        """Rows of the documents a question names by number (see
        :meth:`vectorstore.retriever.HybridRetriever.reference_matches`), passing ``filters``."""

    @abstractmethod
    def chunks_at(self, rows: Sequence[int]) -> dict[int, Chunk]:
        """The chunks of ``rows`` that exist."""

    @abstractmethod
    def row_of(self, chunk_id: str) -> int | None:
        """The row of the chunk with id ``chunk_id``, or None."""

    def chunk(self, chunk_id: str) -> Chunk | None:
        """The chunk with id ``chunk_id``, or None."""
        row = self.row_of(chunk_id)
        return None if row is None else self.chunks_at([row]).get(row)

    @abstractmethod
    def section(self, row: int) -> list[tuple[int, Chunk]]:
        """The section of ``row``: the run of consecutive chunks of its document with its
        heading path, in document order, as ``(row, chunk)``."""

    @abstractmethod
    def documents(self) -> list[dict[str, Any]]:
        """One entry per document: its metadata (``doc_id``, ``title``, ``source``, ``sha256``,
        ``so_hieu``, ``date``, ``upload_name`` …) and ``chunks`` (count)."""

    @abstractmethod
    def corpus_stats(self, profile: CorpusProfile) -> CorpusStats:
        """``profile``'s counts over every chunk (kept up to date by the store)."""

    @abstractmethod
    def iter_batches(self, size: int = 1000) -> Iterator[tuple[list[Chunk], np.ndarray]]:
        """All chunks in document order with their stored vectors ``(n, dim)`` float32, in
        batches (export: vectors are copied, never re-encoded)."""

    def version(self) -> str:
        """The version of the index this object reads (changes with every change)."""
        return str(self.manifest.get("created_at", ""))

    def refresh(self) -> bool:
        """Look at the backing storage (one small read): True when the index there is no
        longer the version this object read until now (see :meth:`reopen`)."""
        return False

    def reopen(self) -> "ChunkStore":
        """The store reading the newest version (a database: this object)."""
        return self

    # -- changing ---------------------------------------------------------------------------
    @abstractmethod
    def apply(self, add: Sequence[Chunk], vectors: np.ndarray, remove_doc_ids: Iterable[str] = (),
              extra: dict[str, Any] | None = None) -> "ChunkStore":
        """Add ``add`` (with their ``vectors``, same order) and remove the documents
        ``remove_doc_ids``, all at once: a reader sees the store before or after, never in
        between. Returns the store to read from now on (the same object for a database, a
        new version for a directory). ``extra`` is merged into the manifest."""


def document_entries(chunks: Iterable[Chunk]) -> list[dict[str, Any]]:
    """:meth:`ChunkStore.documents` from a list of chunks (first chunk's metadata per document)."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks:
        meta = chunk.metadata
        doc = found.get(meta.get("doc_id", ""))
        if doc is None:
            doc = found[meta.get("doc_id", "")] = {k: v for k, v in meta.items() if k not in ("ordinal",)}
            doc["chunks"] = 0
        doc["chunks"] += 1
    return list(found.values())


def sections_of(chunks: Sequence[Chunk]) -> list[int]:
    """The section number of each chunk: runs of consecutive chunks with one document and
    heading path (the same heading path later in the document, "Hỏi đáp" twice, is another
    section)."""
    out: list[int] = []
    previous = None
    number = -1
    for c in chunks:
        key = (c.metadata.get("doc_id"), tuple(c.heading_path))
        if key != previous:
            number += 1
            previous = key
        out.append(number)
    return out


ProgressFn = Callable[[int], None]


# -- references by number ---------------------------------------------------------------------
def reference_label(metadata: dict[str, Any]) -> str:
    """What identifies a document when a question names it: its số hiệu and title, NFC,
    lower case (file names carry dates, so they are left out)."""
    from ingest.normalize import nfc

    return nfc(" ".join(str(metadata.get(k) or "") for k in ("so_hieu", "title"))).lower()


def is_full_reference(ref: str) -> bool:
    """A full số hiệu ("102/2025/NQLT-…") rather than a bare number ("318")."""
    return any(ch in ref for ch in "/-")


def label_matcher(ref: str) -> Callable[[str], bool]:
    """Whether a :func:`reference_label` names the document ``ref`` (NFC, lower case): a full
    số hiệu anywhere in it; a bare number ("318" from "Quyết định 318") as a number of its
    own ("318/QĐ-UBND", a title "… 318 …"), not inside a date "…-18"."""
    if is_full_reference(ref):
        return lambda label: ref in label
    pattern = re.compile(rf"(?<![\w/.-]){re.escape(ref)}(?![\w.-])")
    return lambda label: bool(pattern.search(label))
