"""Hybrid retrieval: dense (FAISS or pgvector) and keyword (BM25) results fused by rank (RRF) and by score."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from ingest.normalize import fold_diacritics
from ingest.revisions import supersessions
from ingest.types import Block, Chunk
from vectorstore.embeddings import EmbeddingModel
from vectorstore.stores.base import ChunkStore

# Cormack, Clarke & Büttcher (2009), "Reciprocal Rank Fusion outperforms Condorcet
# and individual rank learning methods": k = 60.
RRF_K = 60
# Share of the rank-based part (RRF) in the fused score; the rest is the mean of the min-max
# normalised cosine and BM25 scores over the pooled candidates (CombSUM of normalised scores:
# Fox & Shaw 1994, Lee 1997). Ranks alone ignore how far ahead a first place is; on legal
# codes, where one BM25 score often stands out, scores help. Chosen by the benchmark
# (docs/evaluation.md): at 0.7 ALQAC 2022 recall@1 0.904 → 0.923, 2023 0.83 → 0.86, mttq_dev
# unchanged; 0.5 gains as much on ALQAC but costs the accent-free dev set 2 questions at rank 1.
RRF_SHARE = 0.7
CANDIDATES = 50
PER_DOCUMENT = 3
# RRF weights of the two rankings, chosen by the benchmark (docs/evaluation.md): the dense ranking
# counts 0.7 of the keyword one (settings MTTQ_RRF_DENSE_WEIGHT / MTTQ_RRF_KEYWORD_WEIGHT)
DENSE_WEIGHT = 0.7
KEYWORD_WEIGHT = 1.0
_NEAR_COPY = 0.9


def _superseded(chunks: list[Chunk]) -> set[int]:
    """Chunks of documents that a newer one supersedes (:func:`ingest.revisions.supersessions`:
    the same số hiệu with a later date, a stated replacement "… này thay thế …", or a later
    version of the same title); which newer one is ``supersessions`` of the same metadata."""
    documents: dict[str, dict] = {}
    for c in chunks:
        documents.setdefault(c.metadata.get("doc_id", ""), c.metadata)
    older = supersessions(documents)
    return {i for i, c in enumerate(chunks) if c.metadata.get("doc_id", "") in older}


_CACHED_CHUNKS = 50_000
_REFERENCE_DEPTH = 10  # a named document lends its best chunks, not all of them, to the fusion
SECTION_CHARS = 4000  # a section up to this size is returned whole; longer ones by their start and the hit's neighbourhood


@dataclass
class Hit:
    """A retrieved chunk with its fused score and the evidence behind it.

    ``chunk`` is the chunk that matched; ``passage`` what is answered from, shown, cited
    and judged: the chunk widened to its section (see :meth:`HybridRetriever.passage`).
    ``score`` is the fused score in [0, 1] (higher is better; see
    :meth:`HybridRetriever.candidates`), ``extra["rrf"]`` its rank-based part;
    ``dense_score`` is the cosine similarity in [-1, 1]; ``keyword_score`` the raw BM25
    score; ranks are 1-based, ``None`` when the chunk was not in that list's top
    candidates.
    """

    chunk: Chunk
    score: float
    dense_score: float
    keyword_score: float
    dense_rank: int | None = None
    keyword_rank: int | None = None
    extra: dict = field(default_factory=dict)
    index: int = -1  # the chunk's row in the store
    reference: bool = False  # the chunk belongs to a document the question names by number
    section: Chunk | None = None  # the chunk widened to its section, when it has siblings

    @property
    def passage(self) -> Chunk:
        """What is shown and judged for this hit: its section if widened, else its chunk."""
        return self.section or self.chunk


class HybridRetriever:
    """Fuse the dense and keyword rankings of a :class:`ChunkStore` (the embedded directory
    or PostgreSQL).

    Args:
        store: the index (rows are the store's; see :mod:`vectorstore.stores.base`).
        embeddings: the model the index was built with (checked by the caller).
        dense_weight / keyword_weight / reference_weight: RRF weights of each ranking.
        rrf_share: share of the RRF part in the fused score, in [0, 1] (1: ranks alone).
        candidates: how deep each ranking is read before fusion.
        per_document: at most this many chunks of one document in a result (0: no limit).
        section_chars: a hit stands for its section (the chunks sharing its document and
            heading path, e.g. one Điều): the section's chunks become one passage, whole up
            to this many characters, else its first chunk, the hit chunks and what else fits
            (0: chunks are returned as they are).
    """

    def __init__(self, store: ChunkStore, embeddings: EmbeddingModel, *, dense_weight: float = DENSE_WEIGHT,
                 keyword_weight: float = KEYWORD_WEIGHT, reference_weight: float = 1.0, candidates: int = CANDIDATES,
                 rrf_k: int = RRF_K, per_document: int = PER_DOCUMENT, section_chars: int = SECTION_CHARS,
                 rrf_share: float = RRF_SHARE) -> None:
        if not 0.0 <= rrf_share <= 1.0:
            raise ValueError(f"rrf_share must be in [0, 1], got {rrf_share}")
        self.store = store
        self.embeddings = embeddings
        self.dense_weight = dense_weight
        self.keyword_weight = keyword_weight
        self.reference_weight = reference_weight
        self.ranking_depth = candidates
        self.rrf_k = rrf_k
        self.rrf_share = rrf_share
        self.per_document = per_document
        self.section_chars = section_chars
        self._signatures: dict[int, frozenset[str]] = {}
        self._chunks: dict[int, Chunk] = {}  # rows met so far (rows are stable while stored)
        self._superseded_docs: tuple[str, set[str]] | None = None  # (store version, doc ids)

    def reference_matches(self, refs: list[str], filters: dict | None = None) -> list[int]:
        """Rows of the documents a question names by number.

        A full số hiệu ("102/2025/NQLT-…") matches a document's số hiệu or title, or,
        when no document carries it, the chunks whose text cites it; a bare number
        ("318" from "Quyết định 318") only a document's số hiệu or title
        (:func:`vectorstore.stores.base.label_matcher`).
        """
        return self.store.reference_rows(refs, filters)

    def _chunk(self, i: int) -> Chunk:
        chunk = self._chunks.get(i)
        if chunk is None:
            chunk = self._chunks[i] = self.store.chunks_at([i])[i]
        return chunk

    def superseded(self) -> set[str]:
        """Documents that a newer one supersedes (doc ids; :func:`ingest.revisions.supersessions`
        over the store's documents, one entry each; recomputed when the store changes)."""
        version = self.store.version()
        if self._superseded_docs is None or self._superseded_docs[0] != version:
            documents = {str(d.get("doc_id", "")): d for d in self.store.documents()}
            self._superseded_docs = (version, set(supersessions(documents)))
        return self._superseded_docs[1]

    def _signature(self, i: int) -> frozenset[str]:
        if i not in self._signatures:
            self._signatures[i] = frozenset(fold_diacritics(w) for w in re.findall(r"\w+", self._chunk(i).text.lower()))
        return self._signatures[i]

    def _distinct(self, ranked: list[int]) -> list[int]:
        """``ranked`` without chunks of superseded documents (see :meth:`superseded`) and
        without near-copies (word-set Jaccard ≥ 0.9) of a better-ranked chunk from another
        document, e.g. the same law as .doc and .pdf."""
        kept: list[int] = []
        superseded = self.superseded()
        for i in ranked:
            if str(self._chunk(i).metadata.get("doc_id")) in superseded:
                continue
            words = self._signature(i)
            doc = self._chunk(i).metadata.get("doc_id")
            if any(self._chunk(j).metadata.get("doc_id") != doc and words and
                   len(words & self._signature(j)) / len(words | self._signature(j)) >= _NEAR_COPY
                   for j in kept):
                continue
            kept.append(i)
        return kept

    def _diversify(self, ranked: list[int], k: int) -> list[int]:
        """The top ``k`` of ``ranked`` with at most ``per_document`` chunks of one document,
        so that a question spanning documents sees each of them; the best remaining
        chunks fill up when there are too few documents."""
        ranked = self._distinct(ranked[:k * 4])
        if not self.per_document:
            return ranked[:k]
        taken: list[int] = []
        counts: dict[str, int] = {}
        for i in ranked:
            doc = self._chunk(i).metadata.get("doc_id", "")
            if counts.get(doc, 0) < self.per_document:
                taken.append(i)
                counts[doc] = counts.get(doc, 0) + 1
                if len(taken) == k:
                    return taken
        return taken + [i for i in ranked if i not in taken][:k - len(taken)]

    def section_indices(self, i: int) -> list[int]:
        """The chunks that make up the passage of chunk ``i``'s section, in document order:
        all of them when they total at most ``section_chars`` characters; else the
        section's first chunk (its heading and opening), chunk ``i`` and its neighbours,
        nearest first, while they fit. The result depends on ``i`` alone, so a cited
        passage shows the same text wherever it is opened."""
        return [j for j, _c in self._section_parts(i)]

    def _section_parts(self, i: int) -> list[tuple[int, Chunk]]:
        if not self.section_chars:
            return [(i, self._chunk(i))]
        section = self.store.section(i)
        if len(section) == 1:
            return section
        rows = [j for j, _c in section]
        size_of = {j: len(c.text) + 1 for j, c in section}  # +1: the joining newline
        if sum(size_of.values()) <= self.section_chars + 1:
            return section
        chosen = {rows[0], i}
        size = sum(size_of[j] for j in chosen)
        at = rows.index(i)
        for step in range(1, len(rows)):
            for k in (at - step, at + step):
                if 0 <= k < len(rows) and rows[k] not in chosen and size + size_of[rows[k]] <= self.section_chars + 1:
                    chosen.add(rows[k])
                    size += size_of[rows[k]]
        return [(j, c) for j, c in section if j in chosen]

    def passage(self, i: int) -> Chunk:
        """Chunk ``i`` widened to its section (see :meth:`section_indices`): same id, heading
        path and metadata, the section's text; where chunks are left out in between, a line
        "…" stands for them (so that no sentence or list runs across the gap), with a ``gap``
        block. ``metadata["section_chunks"]`` lists the ids; ``blocks`` are the parts'
        blocks, line for line (empty when a part has none)."""
        parts = self._section_parts(i)
        chunk = self._chunk(i)
        if [j for j, _c in parts] == [i]:
            return chunk
        section = self.store.section(i)
        position = {j: n for n, (j, _c) in enumerate(section)}
        lines: list[str] = []
        blocks: list[Block] = []
        for k, (j, part) in enumerate(parts):
            if k and position[j] != position[parts[k - 1][0]] + 1:
                lines.append("…")
                blocks.append(Block(kind="gap", text="…"))
            lines.append(part.text)
            blocks.extend(block for _line, block in part.lines())
        metadata = dict(chunk.metadata, section_chunks=[part.id for _j, part in parts])
        known = all(part.blocks for _j, part in parts)
        return Chunk(id=chunk.id, text="\n".join(lines), heading_path=list(chunk.heading_path), metadata=metadata,
                     blocks=blocks if known else [])

    def passage_by_id(self, chunk_id: str) -> Chunk | None:
        """The section passage of the chunk with id ``chunk_id`` (see :meth:`passage`), or None."""
        i = self.store.row_of(chunk_id)
        return None if i is None else self.passage(i)

    def select(self, candidates: list[Hit], k: int) -> list[Hit]:
        """The top ``k`` of ranked ``candidates`` (from :meth:`candidates`, possibly
        reranked): superseded documents and near-copies dropped, one hit per section
        (widened to the section's passage), at most ``per_document`` of one document."""
        by_index = {h.index: h for h in candidates}
        order = [h.index for h in candidates]
        if self.section_chars:
            seen: set[int] = set()
            firsts = []
            for i in order:
                section = self._section_key(i)
                if section not in seen:
                    seen.add(section)
                    firsts.append(i)
            order = firsts
        selected = []
        for i in self._diversify(order, k):
            hit = by_index[i]
            passage = self.passage(i)
            selected.append(hit if passage is hit.chunk else replace(hit, section=passage))
        return selected

    def _section_key(self, i: int) -> int:
        """The first row of chunk ``i``'s section: one key per section."""
        return self.store.section(i)[0][0]

    def candidates(self, dense_query: str, keyword_query: str | None = None, n: int = 20,
                   refs: list[str] | None = None, filters: dict | None = None) -> list[Hit]:
        """The ``n`` best chunks by fused score, before :meth:`select` removes copies and
        caps documents; arguments as in :meth:`search`."""
        if not len(self.store):
            return []
        named_all = self.reference_matches(refs, filters) if refs else []
        ranked = self.store.search(self.embeddings.encode_query(dense_query), keyword_query or dense_query,
                                   self.ranking_depth, filters, also=named_all)
        if len(self._chunks) > _CACHED_CHUNKS:  # a large database is not copied into every worker
            self._chunks, self._signatures = {}, {}
        self._chunks.update(ranked.chunks)
        dense, keyword = ranked.dense_scores, ranked.keyword_scores
        dense_top = [i for i, _s in ranked.dense]
        keyword_top = [i for i, _s in ranked.keyword]
        fused: dict[int, float] = {}
        for rank, i in enumerate(dense_top, 1):
            fused[i] = fused.get(i, 0.0) + self.dense_weight / (self.rrf_k + rank)
        for rank, i in enumerate(keyword_top, 1):
            fused[i] = fused.get(i, 0.0) + self.keyword_weight / (self.rrf_k + rank)
        named: set[int] = set(named_all)
        if named:
            by_keyword = sorted(named, key=lambda i: -keyword[i])[:_REFERENCE_DEPTH]
            for rank, i in enumerate(by_keyword, 1):
                fused[i] = fused.get(i, 0.0) + self.reference_weight / (self.rrf_k + rank)
        if not fused:
            return []
        dense_rank = {i: r for r, i in enumerate(dense_top, 1)}
        keyword_rank = {i: r for r, i in enumerate(keyword_top, 1)}
        pool = list(fused)
        pool_dense = np.array([dense[i] for i in pool], dtype=np.float32)
        pool_keyword = np.array([keyword[i] for i in pool], dtype=np.float32)
        score = dict(zip(pool, self._fuse(np.array([fused[i] for i in pool]), pool_dense, pool_keyword)))
        order = sorted(pool, key=lambda i: (-score[i], -dense[i]))[:n]
        return [Hit(chunk=self._chunk(i), score=score[i], dense_score=float(dense[i]),
                    keyword_score=float(keyword[i]), dense_rank=dense_rank.get(i),
                    keyword_rank=keyword_rank.get(i), index=i, reference=i in named, extra={"rrf": fused[i]})
                for i in order]

    def _fuse(self, rrf: np.ndarray, dense: np.ndarray, keyword: np.ndarray) -> list[float]:
        """Fused scores of a pool of candidates: ``rrf_share`` × RRF (scaled by the pool's best)
        + (1 − ``rrf_share``) × the mean of their min-max normalised cosine and BM25 scores."""
        def unit(x: np.ndarray) -> np.ndarray:
            span = float(x.max() - x.min())
            return (x - x.min()) / span if span > 0 else np.zeros_like(x)

        scores = self.rrf_share * rrf / (float(rrf.max()) or 1.0)
        if self.rrf_share < 1.0:
            scores = scores + (1.0 - self.rrf_share) * 0.5 * (unit(dense.astype(np.float64)) + unit(keyword.astype(np.float64)))
        return [float(x) for x in scores]

    def search(self, dense_query: str, keyword_query: str | None = None, k: int = 5,
               refs: list[str] | None = None, filters: dict | None = None) -> list[Hit]:
        """Top ``k`` chunks for a query.

        Args:
            dense_query: text embedded as the query (the model adds its prefix).
            keyword_query: text for BM25 (e.g. with abbreviations expanded);
                defaults to ``dense_query``.
            k: number of hits, ≥ 1.
            refs: document numbers named in the question (a third ranking: chunks of
                those documents, by keyword score).
            filters: metadata filters (see :meth:`allowed`); only passing chunks are returned.
        Returns:
            Hits sorted by fused score, best first; fewer than ``k`` if the index is small.
        """
        return self.select(self.candidates(dense_query, keyword_query, k * 4, refs, filters), k)
