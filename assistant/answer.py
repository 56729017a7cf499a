"""The one entry point: retrieve → analyse the question → judge answer units → compose.

Data flows one way (../shared/DESIGN.md, "The answer step"):

    question + history ──► SearchQuery (retrieval) and QuestionFrame (assistant/frame.py)
    passages ────────────► answer units with inherited context (assistant/units.py)
    frame × unit ────────► named checks, each a Verdict (assistant/checks/)
    kept units ──────────► answered / partial / refused, short, every unit cited (assistant/compose.py)
"""
from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

from assistant.answer_type import DEFAULT_FACTOR, AnswerTypeBoost
from assistant.checks import Candidate, Check, default_checks
from assistant.compose import REFUSAL_TEXT, AnswerPolicy, Composition, combine, decide, ranked, render
from assistant.diacritics import DiacriticRestorer
from assistant.frame import QuestionFrame, analyse
from assistant.corpus import BIGRAMS, DF, PLACES, PROFILE, UNIGRAMS
from assistant.places import national_names
from assistant.query import SearchQuery, build_query, content_terms
from assistant.reranker import FeatureReranker
from assistant.scoring import TermStats, document_context, forms, local_weights, match
from assistant.types import Answer, Citation
from assistant.units import Unit, document_units, units_of
from ingest.types import Block
from ingest.normalize import has_diacritics
from vectorstore.retriever import Hit, HybridRetriever

log = logging.getLogger(__name__)

__all__ = ["Assistant", "AnswerPolicy", "Draft", "REFUSAL_TEXT", "citation_for"]


class Assistant:
    """Answers questions over one index.

    Args:
        retriever: hybrid retriever over the index.
        policy: answer/refusal thresholds (:class:`assistant.compose.AnswerPolicy`).
        reranker_weights: a weights file of :class:`assistant.reranker.FeatureReranker`
            (``None``: no second stage).
        answer_type_boost: factor of :class:`assistant.answer_type.AnswerTypeBoost`, applied
            to the fused scores of the search results (0: off).
    Raises:
        RerankerError: the weights file does not fit the reranker.
        ValueError: ``answer_type_boost`` is negative or not finite.
    """

    def __init__(self, retriever: HybridRetriever, policy: AnswerPolicy | None = None,
                 reranker_weights: Path | None = None, answer_type_boost: float = DEFAULT_FACTOR) -> None:
        self.retriever = retriever
        self.policy = policy or AnswerPolicy()
        # counted over every chunk: by the store, kept up to date there (assistant/corpus.py)
        self.corpus_version = retriever.store.version()  # the store's version these counts are of
        corpus = retriever.store.corpus_stats(PROFILE)
        self.stats = TermStats.from_counts(corpus.chunk_count, corpus.counts[DF])
        self.restorer = DiacriticRestorer.from_counts(
            corpus.counts[UNIGRAMS], Counter({tuple(k.split(" ", 1)): n for k, n in corpus.counts[BIGRAMS].items()}))
        # a turn is restored for the query, the frame and the boost: one Viterbi pass
        self._restore = lru_cache(maxsize=1024)(self.restorer.restore)
        self.places = national_names() | frozenset(corpus.counts[PLACES])  # the gazetteer (places.gazetteer)
        self.reranker_weights = reranker_weights
        self.reranker = FeatureReranker.load(reranker_weights, self.stats) if reranker_weights else None
        self.answer_type = AnswerTypeBoost(answer_type_boost)

    @property
    def checks(self) -> list[Check]:
        """The checks the policy runs (:func:`assistant.checks.default_checks`)."""
        return default_checks(self.policy.salient_share, self.policy.disabled_checks)

    def turn(self, question: str) -> str:
        """``question`` with accents: as typed, or restored when typed without any."""
        return question if has_diacritics(question) else self._restore(question)

    def understand(self, question: str, history: list[dict] | None = None) -> tuple[SearchQuery, QuestionFrame]:
        """The retrieval queries and the :class:`QuestionFrame` of one user turn."""
        query = build_query(question, history, restore=self._restore)
        frame = analyse(question, query.standalone, self.stats, self._restore, self.places)
        return query, frame

    def search(self, question: str, history: list[dict] | None = None, k: int = 5,
               filters: dict | None = None) -> tuple[SearchQuery, list[Hit]]:
        """Retrieve the top ``k`` hits for a user turn (follow-ups condensed first),
        optionally restricted by metadata ``filters`` (doc_type, issuer, date_from, date_to):
        fused candidates, the answer-type boost, the reranker if on, then one hit per section."""
        query, frame = self.understand(question, history)
        hits, _plain = self._retrieve(query, frame, k, filters)
        return query, hits

    def _retrieve(self, query: SearchQuery, frame: QuestionFrame, k: int,
                  filters: dict | None) -> tuple[list[Hit], list[Hit]]:
        """The search's hits, and the hits without the answer-type boost.

        Answers are composed from the latter: a passage that holds an amount rises in the
        search results, but that amount is often about someone else ("hỗ trợ 460.000 đồng"
        for another body), and the answer step would take it (found by an adversarial pass:
        four such answers with the boost, none without)."""
        depth = max(k * 4, self.reranker.depth if self.reranker else 0)
        fused = self.retriever.candidates(query.dense, query.keyword, depth, refs=query.refs, filters=filters)
        boosted = self.answer_type.rerank(frame, fused)
        plain = self.reranker.rerank(query, fused) if self.reranker else fused
        if boosted is fused:  # the question asks no precise fact: one order
            hits = self.retriever.select(plain, k)
            return hits, hits
        if self.reranker:
            boosted = self.reranker.rerank(query, boosted)
        return self.retriever.select(boosted, k), self.retriever.select(plain, k)

    def judge(self, frame: QuestionFrame, passages: list[Hit]) -> list[Candidate]:
        """Every answer unit of ``passages``, matched against ``frame`` and judged by every check
        that applies (:attr:`checks`); for a question about a document itself, its signing
        line, author and issuer too."""
        def first_chunk(hit: Hit) -> str:
            chunk = self.retriever.store.chunk(f"{hit.chunk.metadata.get('doc_id')}:0")
            return chunk.text if chunk else ""

        similarity = self._similarity if self.policy.semantic_weight > 0 else None
        return judge_units(frame, passages, self.checks, first_chunk, similarity, self.policy.semantic_weight,
                           self.policy.semantic_top, self._ancestors)

    def _ancestors(self, hit: Hit, index: int, limit: int = 3) -> list[str]:
        """The texts of block ``index`` of ``hit``'s document and of its parents, nearest first
        (at most ``limit``), read from the chunks before the hit's: a section cut for length
        may not hold the numbered item a line belongs to ("7. Chi khoán hỗ trợ cước điện thoại"
        above "- Tổ trưởng: 200.000 đồng")."""
        meta = hit.chunk.metadata
        doc, ordinal = meta.get("doc_id"), int(meta.get("ordinal", 0))
        found: dict[int, Block] = {}
        for k in range(ordinal, max(-1, ordinal - 15), -1):
            chunk = self.retriever.store.chunk(f"{doc}:{k}")
            if chunk is None:
                continue
            found.update({b.index: b for b in chunk.blocks if b.index >= 0})
            if index in found and (found[index].parent < 0 or found[index].parent in found):
                break
        texts: list[str] = []
        while index in found and len(texts) < limit:
            texts.append(found[index].text)
            index = found[index].parent
        return texts

    def _similarity(self, question: str, texts: list[str]):
        """Cosine similarities of ``texts`` (as passages) to ``question`` (as a query), by the
        index's encoder (its content-hash cache makes repeated units free)."""
        import numpy as np

        embeddings = self.retriever.embeddings
        q = embeddings.encode_query(question)
        return np.asarray(embeddings.encode_passages(texts)) @ q

    def judge_parts(self, frame: QuestionFrame, passages: list[Hit]) -> list[list[Candidate]]:
        """:meth:`judge` for the question, or for each of its parts (:attr:`QuestionFrame.parts`)."""
        if frame.parts and self.policy.split_parts:
            return [self.judge(part, passages) for part in frame.parts]
        return [self.judge(frame, passages)]

    def compose(self, frame: QuestionFrame, judged: list[list[Candidate]], best_dense: float,
                topical: bool = True) -> Composition:
        """The decision over judged candidates, one list per part (:meth:`judge_parts`)."""
        if len(judged) == 1:
            return decide(frame, judged[0], self.policy, best_dense, topical)
        parts = []
        for part, candidates in zip(frame.parts, judged):
            decision = decide(part, candidates, self.policy, best_dense, topical)
            decision.question = part.turn
            parts.append(decision)
        return combine(parts)

    def draft(self, question: str, history: list[dict] | None = None, filters: dict | None = None,
              explain: bool = False) -> "Draft":
        """Retrieve, judge and compose the answer; the LLM path starts from this.

        With ``explain``, the answer's ``debug["explain"]`` holds the frame, every judged unit
        with its verdicts, and the decision (see :func:`explanation`).
        """
        started = time.perf_counter()
        query, frame = self.understand(question, history)
        hits, plain = self._retrieve(query, frame, self.policy.top_k, filters)
        retrieved = time.perf_counter()
        passages = answer_passages(hits, plain, self.policy)
        best_dense = max((h.dense_score for h in plain), default=0.0)
        # a question of single letters ("a", "x y") has no topic: list markers "a)" are not one
        topical = any(len(t) > 1 for t in content_terms(query.standalone))
        judged = self.judge_parts(frame, passages)
        composition = self.compose(frame, judged, best_dense, topical)
        candidates = [c for part in judged for c in part]
        answer = self._answer(query, frame, passages, composition)
        answer.debug.update({"retrieval_ms": round((retrieved - started) * 1000, 1), "best_dense": best_dense,
                             "best_coverage": max((c.match.coverage for c in candidates), default=0.0),
                             "status": composition.status, "reason": composition.reason})
        draft = Draft(question, query, passages, answer, frame, candidates, composition)
        if explain:
            answer.debug["explain"] = explanation(draft, length_penalty=self.policy.length_penalty)
        return draft

    def _answer(self, query: SearchQuery, frame: QuestionFrame, passages: list[Hit],
                composition: Composition) -> Answer:
        if composition.status == "refused":
            return Answer(answer=REFUSAL_TEXT, citations=[], refused=True, query=query.standalone, status="refused")
        numbers: dict[int, int] = {}
        for c in composition.chosen:
            numbers.setdefault(c.unit.hit_index, len(numbers) + 1)
        citations = []
        for hit_index, number in numbers.items():
            spans = sorted((c.unit for c in composition.chosen if c.unit.hit_index == hit_index),
                           key=lambda u: u.position)
            citations.append(citation_for(number, passages[hit_index], " … ".join(u.text for u in spans)))
        newest = max((str(h.chunk.metadata.get("date") or "") for h in passages), default="") or None
        text = render(composition, numbers, newest, self.policy)
        return Answer(answer=text, citations=citations, refused=False, query=query.standalone,
                      status=composition.status)

    def answer(self, question: str, history: list[dict] | None = None, filters: dict | None = None,
               explain: bool = False) -> Answer:
        """Answer ``question`` extractively from the index, citing passages as ``[n]``
        (see :meth:`draft`)."""
        return self.draft(question, history, filters, explain).answer

    def with_policy(self, policy: AnswerPolicy) -> "Assistant":
        """A copy answering with another policy (same index, statistics and caches)."""
        other = object.__new__(Assistant)
        other.__dict__.update(self.__dict__)
        other.policy = policy
        return other


def answer_passages(hits: list[Hit], plain: list[Hit], policy: AnswerPolicy) -> list[Hit]:
    """The passages an answer is composed from: the best ``answer_passages`` without the
    answer-type boost, then up to ``boosted_passages`` of the boosted search's best that are not
    among them."""
    passages = plain[:policy.answer_passages]
    seen = {h.chunk.id for h in passages}
    extra = [h for h in hits if h.chunk.id not in seen][:policy.boosted_passages]
    return passages + extra


def judge_units(frame: QuestionFrame, passages: list[Hit], checks: list[Check],
                header_of: Callable[[Hit], str] | None = None,
                similarity: Callable[[str, list[str]], Sequence[float]] | None = None,
                semantic_weight: float = 0.0, semantic_top: int = 12,
                ancestors: Callable[[Hit, int], list[str]] | None = None) -> list[Candidate]:
    """The answer units of ``passages`` (:func:`assistant.units.units_of`), each matched against
    ``frame`` (:func:`assistant.scoring.match`) and judged by the ``checks`` that apply, in order;
    a unit failing a hard check is not judged further. ``header_of(hit)`` gives the first chunk
    of a passage's document, whose signing line answers "… ban hành ngày nào?".

    With ``similarity(question, texts)`` (cosines by the dense encoder) and a ``semantic_weight``,
    the ``semantic_top`` best units by words also score ``semantic_weight`` × their cosine scaled
    to [0, 1] among them: the encoder reads paraphrase ("sống" for "cư trú") that shared words
    miss. ``ancestors(hit, block_index)`` gives the texts of a block and its parents read from
    outside the passage, for units whose parent item the passage does not hold."""
    units: list[Unit] = [u for h, hit in enumerate(passages) for u in units_of(hit, h)]
    if ancestors is not None:
        for h, hit in enumerate(passages):
            inside = {b.index for b in hit.passage.blocks}
            for u in units:
                block = u.block
                if u.hit_index == h and block is not None and block.parent >= 0 and block.parent not in inside:
                    u.context = [t for t in ancestors(hit, block.parent) if t not in u.context] + u.context
    if frame.document_facts:  # "… ban hành ngày nào?": the documents' own dates, authors, issuers
        seen: set[str] = set()
        for h, hit in enumerate(passages):
            doc = hit.chunk.metadata.get("doc_id")
            if doc not in seen:
                seen.add(doc)
                units += document_units(hit, h, header_of(hit) if header_of else hit.passage.text,
                                        frame.document_facts)
    fold = not frame.accented
    words = [forms(" ".join([u.text, *u.context]), fold) for u in units]
    rank_weights = local_weights(frame.weights, [set(w) for w in words])
    documents = [document_context(hit, fold) for hit in passages]
    candidates = [Candidate(u, passages[u.hit_index], match(u, frame, documents[u.hit_index], rank_weights, w,
                                                            passages[u.hit_index].chunk.metadata.get("title")))
                  for u, w in zip(units, words)]
    _answer_faq_questions(candidates)
    if similarity is not None and semantic_weight > 0 and candidates:
        top = sorted(candidates, key=lambda c: -c.match.score)[:semantic_top]
        cosines = list(similarity(frame.reading if not frame.follow_up else frame.standalone,
                                  [c.unit.shown for c in top]))
        low, high = min(cosines), max(cosines)
        for c, cosine in zip(top, cosines):
            scaled = (cosine - low) / (high - low) if high > low else 0.0
            c.match = replace(c.match, score=c.match.score + semantic_weight * scaled)
    applying = [c for c in checks if c.applies(frame)]
    for candidate in candidates:
        for check in applying:
            verdict = check.check(candidate, frame)
            candidate.verdicts.append(verdict)
            if not verdict.ok and verdict.hard:
                break
    return candidates


def _answer_faq_questions(candidates: list[Candidate]) -> None:
    """In question-and-answer documents ("Hỏi: …?" then "Đáp: …"), the unit right after a
    question answers it: it takes the question's score and coverage when those are higher
    than its own, so that "Người dân tham gia bằng cách nào?" is answered by the "Đáp:"
    that follows the matching "Hỏi:" even though the answer shares no words with it."""
    from assistant.scoring import QUESTION_DISCOUNT

    by_place = {(c.unit.hit_index, c.unit.position): c for c in candidates}
    for c in candidates:
        if not c.text.rstrip().endswith("?"):
            continue
        position = c.unit.position + 1
        follower = by_place.get((c.unit.hit_index, position))
        while follower is not None and follower.unit.kind == "clause":
            position += 1
            follower = by_place.get((c.unit.hit_index, position))
        if follower is not None and not follower.text.rstrip().endswith("?"):
            follower.match = replace(follower.match, score=max(follower.match.score, c.match.score / QUESTION_DISCOUNT),
                                     coverage=max(follower.match.coverage, c.match.coverage),
                                     present=follower.match.present | c.match.present)


@dataclass
class Draft:
    """What retrieval found for one turn, how its units were judged, and the answer."""

    question: str
    query: SearchQuery
    passages: list[Hit]
    answer: Answer
    frame: QuestionFrame | None = None
    candidates: list[Candidate] = field(default_factory=list)
    composition: Composition | None = None

    @property
    def kept_units(self) -> list[Unit]:
        """Units no hard check dropped (what an LLM may read), in passage order."""
        return [c.unit for c in self.candidates if not c.dropped]


def explanation(draft: Draft, limit: int = 12, length_penalty: float = 0.0) -> dict:
    """Why the answer is what it is: the frame, the ``limit`` best units with each verdict,
    and the decision. JSON-ready (``mttq ask --explain``, the API's debug field)."""
    chosen_list = draft.composition.chosen if draft.composition else []
    chosen = {id(c) for c in chosen_list}
    best = ranked(draft.candidates, length_penalty)[:limit]
    # the chosen units always, wherever they rank (a list chosen for a list question may rank low)
    candidates = best + [c for c in chosen_list if all(c is not b for b in best)]
    return {
        "frame": draft.frame.describe() if draft.frame else {},
        "status": draft.composition.status if draft.composition else draft.answer.status,
        "reason": draft.composition.reason if draft.composition else "",
        "units": [{"passage": c.unit.hit_index + 1, "kind": c.unit.kind, "text": c.unit.shown[:300],
                   "score": round(c.match.score, 3), "coverage": round(c.match.coverage, 3),
                   "chosen": id(c) in chosen,
                   "verdicts": [{"check": v.check, "ok": v.ok, "reason": v.reason, "hard": v.hard}
                                for v in c.verdicts]}
                  for c in candidates],
    }


def citation_for(number: int, hit: Hit, quote: str) -> Citation:
    """A :class:`Citation` numbered ``number`` for ``hit``, quoting ``quote``."""
    meta = hit.chunk.metadata
    return Citation(id=number, chunk_id=hit.chunk.id, title=meta.get("title", ""), source=meta.get("source", ""),
                    quote=quote, score=round(hit.score, 5), so_hieu=meta.get("so_hieu"), date=meta.get("date"),
                    doc_type=meta.get("doc_type"), issuer=meta.get("issuer"),
                    heading_path=list(hit.chunk.heading_path), url=meta.get("url"))
