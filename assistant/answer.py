"""The one entry point: retrieve → compose an extractive answer → refuse when evidence is weak."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.answer_type import DEFAULT_FACTOR, AnswerTypeBoost
from assistant.diacritics import DiacriticRestorer
from assistant.extractive import TermStats, answer_text, select_units
from assistant.places import gazetteer, place_names, years_named
from assistant.query import SearchQuery, build_query, content_terms
from assistant.reranker import FeatureReranker
from assistant.types import Answer, Citation
from ingest.normalize import has_diacritics, syllables
from vectorstore.retriever import Hit, HybridRetriever

log = logging.getLogger(__name__)

REFUSAL_TEXT = ("Tôi không tìm thấy thông tin này trong tài liệu hiện có. "
                "Bạn có thể hỏi lại cụ thể hơn (tên văn bản, số hiệu, địa phương) "
                "hoặc liên hệ Ủy ban MTTQ nơi bạn sinh sống.")


@dataclass
class AnswerPolicy:
    """Thresholds for answering versus refusing.

    An answer needs its best unit to cover at least ``min_coverage`` of the question's
    IDF-weighted content terms and to hold the kind of fact asked for (a date for
    "ngày nào", a number for "bao nhiêu", a name for "ai"), and its best passage a
    cosine similarity of at least ``min_dense`` to the question. The defaults were read off the dev set
    (``shared/eval/mttq_dev.jsonl``; ``mttq eval`` reports refusal and false-refusal rates):
    with answers composed from section passages the best units of the answerable questions
    cover from 0.39 up (one at 0.30 is refused), hence 0.38 (it was 0.35 when answers came from
    single chunks). The dev set's unanswerable questions all ask for an amount, and are refused
    because no unit holds it next to their topic, whatever their coverage (0.58–0.94); the
    coverage floor is what refuses a question on a topic the documents do not treat at all.
    """

    top_k: int = 5
    answer_passages: int = 4
    max_units: int = 3
    min_coverage: float = 0.38
    min_dense: float = 0.78


class Assistant:
    """Answers questions over one index.

    Args:
        retriever: hybrid retriever over the index.
        policy: answer/refusal thresholds.
        reranker_weights: a weights file of :class:`assistant.reranker.FeatureReranker`
            (``None``: no second stage).
        answer_type_boost: factor of :class:`assistant.answer_type.AnswerTypeBoost`, applied
            to the fused scores before the reranker (0: off).
    Raises:
        RerankerError: the weights file does not fit the reranker.
        ValueError: ``answer_type_boost`` is negative or not finite.
    """

    def __init__(self, retriever: HybridRetriever, policy: AnswerPolicy | None = None,
                 reranker_weights: Path | None = None, answer_type_boost: float = DEFAULT_FACTOR) -> None:
        self.retriever = retriever
        self.policy = policy or AnswerPolicy()
        tokens = [syllables(c.context_text) for c in retriever.store.chunks]  # once, for all three
        self.stats = TermStats.from_tokens(tokens)
        self.restorer = DiacriticRestorer.from_tokens(tokens)
        # a turn is restored for the query, the boost and the answer step: one Viterbi pass
        self._restore = lru_cache(maxsize=1024)(self.restorer.restore)
        self.places = gazetteer(c.text for c in retriever.store.chunks)
        self.reranker_weights = reranker_weights
        self.reranker = FeatureReranker.load(reranker_weights, self.stats) if reranker_weights else None
        self.answer_type = AnswerTypeBoost(answer_type_boost)

    def turn(self, question: str) -> str:
        """``question`` with accents: as typed, or restored when typed without any."""
        return question if has_diacritics(question) else self._restore(question)

    def search(self, question: str, history: list[dict] | None = None, k: int = 5,
               filters: dict | None = None) -> tuple[SearchQuery, list[Hit]]:
        """Retrieve the top ``k`` hits for a user turn (follow-ups condensed first),
        optionally restricted by metadata ``filters`` (doc_type, issuer, date_from, date_to):
        fused candidates, the answer-type boost, the reranker if on, then one hit per section."""
        query, hits, _plain = self._retrieve(question, history, k, filters)
        return query, hits

    def _retrieve(self, question: str, history: list[dict] | None, k: int,
                  filters: dict | None) -> tuple[SearchQuery, list[Hit], list[Hit]]:
        """:meth:`search`'s query and hits, and the hits without the answer-type boost.

        Answers are composed from the latter: a passage that holds an amount rises in the
        search results, but that amount is often about someone else ("hỗ trợ 460.000 đồng"
        for another body), and the answer step would take it (found by an adversarial pass:
        four such answers with the boost, none without)."""
        query = build_query(question, history, restore=self._restore)
        depth = max(k * 4, self.reranker.depth if self.reranker else 0)
        fused = self.retriever.candidates(query.dense, query.keyword, depth, refs=query.refs, filters=filters)
        boosted = self.answer_type.rerank(self.turn(question), fused)
        plain = self.reranker.rerank(query, fused) if self.reranker else fused
        if boosted is fused:  # the question asks no precise fact: one order
            hits = self.retriever.select(plain, k)
            return query, hits, hits
        if self.reranker:
            boosted = self.reranker.rerank(query, boosted)
        return query, self.retriever.select(boosted, k), self.retriever.select(plain, k)

    def draft(self, question: str, history: list[dict] | None = None, filters: dict | None = None) -> Draft:
        """Retrieve and compose the extractive answer; the LLM path starts from this.

        The draft's answer is refused (:data:`REFUSAL_TEXT`, ``refused=True``) when the
        best evidence falls under the policy's thresholds.
        """
        started = time.perf_counter()
        query, _hits, plain = self._retrieve(question, history, self.policy.top_k, filters)
        retrieved = time.perf_counter()
        passages = plain[:self.policy.answer_passages]
        # the kind of fact asked is read with accents ("bao nhieu tien" → money); a follow-up
        # that names a place or year ("Còn xã Hòa Khánh thì sao?") replaces the earlier one
        turn = self.turn(question)
        units = select_units(query.standalone, passages, self.stats, max_units=self.policy.max_units,
                             turn=turn, known_places=self.places,
                             places=place_names(question, self.places) or place_names(query.standalone, self.places),
                             years=years_named(question) or years_named(query.standalone))
        debug = {"retrieval_ms": round((retrieved - started) * 1000, 1),
                 "best_coverage": units[0].coverage if units else 0.0,
                 "best_dense": max((h.dense_score for h in plain), default=0.0),
                 "typed": bool(units) and units[0].typed}
        # a question of single letters ("a", "x y") has no topic: list markers "a)" are not one
        topical = any(len(t) > 1 for t in content_terms(query.standalone))
        if not topical or not units or units[0].coverage < self.policy.min_coverage or not units[0].typed \
                or debug["best_dense"] < self.policy.min_dense:
            refusal = Answer(answer=REFUSAL_TEXT, citations=[], refused=True, query=query.standalone, debug=debug)
            return Draft(question, query, passages, refusal)
        numbers: dict[int, int] = {}
        for unit in units:
            numbers.setdefault(unit.hit_index, len(numbers) + 1)
        citations = []
        for hit_index, number in numbers.items():
            spans = sorted((u for u in units if u.hit_index == hit_index), key=lambda u: u.position)
            citations.append(citation_for(number, passages[hit_index], " … ".join(u.text for u in spans)))
        parts = [f"{answer_text(unit.text)} [{numbers[unit.hit_index]}]" for unit in units]
        answer = Answer(answer="\n".join(parts), citations=citations, refused=False,
                        query=query.standalone, debug=debug)
        return Draft(question, query, passages, answer)

    def answer(self, question: str, history: list[dict] | None = None, filters: dict | None = None) -> Answer:
        """Answer ``question`` extractively from the index, citing passages as ``[n]``
        (see :meth:`draft`)."""
        return self.draft(question, history, filters).answer


@dataclass
class Draft:
    """What retrieval found for one turn and the extractive answer built from it."""

    question: str
    query: SearchQuery
    passages: list[Hit]
    answer: Answer


def citation_for(number: int, hit: Hit, quote: str) -> Citation:
    """A :class:`Citation` numbered ``number`` for ``hit``, quoting ``quote``."""
    meta = hit.chunk.metadata
    return Citation(id=number, chunk_id=hit.chunk.id, title=meta.get("title", ""), source=meta.get("source", ""),
                    quote=quote, score=round(hit.score, 5), so_hieu=meta.get("so_hieu"), date=meta.get("date"),
                    doc_type=meta.get("doc_type"), issuer=meta.get("issuer"),
                    heading_path=list(hit.chunk.heading_path))
