"""One turn of the conversation, whole or streamed, extractive or generated."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import AsyncIterator, Iterator, Union

import anyio.to_thread

from assistant.answer import Assistant, Draft, citation_for
from assistant.llm import LLMGenerator, finish
from assistant.types import Answer, Citation

_PIECE = re.compile(r"\S+\s*")
_WORDS_PER_PIECE = 4


@dataclass
class Sources:
    """The passages the answer is drawn from, known as soon as retrieval is done: the
    first event of a stream, so a client shows progress (and can show the sources) while a
    model is still thinking. ``generating`` is True when an LLM writes the answer; its
    final citations are then those of these passages it cites, by the same numbers. For an
    extractive answer or a refusal they are the answer's own citations."""

    citations: list[Citation]
    generating: bool
    query: str = ""


@dataclass
class Delta:
    """A piece of answer text to append."""

    text: str


@dataclass
class Reset:
    """Discard the text streamed so far; the deltas that follow replace it (a
    generated answer that failed verification is replaced by the extractive one)."""


@dataclass
class Final:
    """The complete answer, how it was made (``extractive``, ``partial``, ``generated``,
    ``refused``, ``fallback:…``) and timings in milliseconds."""

    answer: Answer
    mode: str
    timings: dict[str, float] = field(default_factory=dict)


Event = Union[Sources, Delta, Reset, Final]


def pieces(text: str, words: int = _WORDS_PER_PIECE) -> Iterator[str]:
    """``text`` in pieces of a few words; joined, they give ``text`` back exactly."""
    tokens = _PIECE.findall(text)
    lead = text[:len(text) - len(text.lstrip())]
    if lead:
        yield lead
    for i in range(0, len(tokens), words):
        yield "".join(tokens[i:i + words])


class Responder:
    """Answers with the extractive assistant, or with an LLM when one is configured.

    Args:
        assistant: retrieval and the extractive answer (always computed: it decides
            refusals and is the fallback).
        generator: optional LLM generator.
    """

    def __init__(self, assistant: Assistant, generator: LLMGenerator | None = None) -> None:
        self.assistant = assistant
        self.generator = generator

    def respond(self, question: str, history: list[dict] | None = None, filters: dict | None = None,
                explain: bool = False) -> Final:
        """The whole answer for one turn (``filters``: see :meth:`Assistant.search`; ``explain``:
        see :meth:`Assistant.draft`)."""
        started = time.perf_counter()
        draft = self.assistant.draft(question, history, filters, explain)
        timings = {"retrieval_ms": draft.answer.debug.get("retrieval_ms", 0.0)}
        if not self._generates(draft):
            return Final(draft.answer, _mode(draft.answer),
                         {**timings, "total_ms": _ms(started)})
        generated = time.perf_counter()
        answer, mode = self.generator.generate(draft)
        return Final(answer, mode, {**timings, "generation_ms": _ms(generated), "total_ms": _ms(started)})

    def stream(self, question: str, history: list[dict] | None = None,
               filters: dict | None = None) -> Iterator[Event]:
        """Events for one turn: :class:`Sources`, deltas (possibly a reset and new deltas),
        then :class:`Final`. Blocking; :meth:`astream` is the form for servers."""
        started = time.perf_counter()
        draft = self.assistant.draft(question, history, filters)
        yield self._sources(draft)
        if not self._generates(draft):
            yield from self._extractive(draft, started)
            return
        generated = time.perf_counter()
        streamed: list[str] = []
        try:
            for text in self.generator.stream(draft):
                streamed.append(text)
                yield Delta(text)
            answer, mode = finish(draft, "".join(streamed))
        except Exception:  # noqa: BLE001 - the extractive answer is always there
            answer, mode = draft.answer, "fallback:llm_error"
        yield from self._settle(draft, answer, mode, "".join(streamed), started, generated)

    async def astream(self, question: str, history: list[dict] | None = None,
                      filters: dict | None = None) -> AsyncIterator[Event]:
        """The events of :meth:`stream`, for an event loop: retrieval and verification run in
        a worker thread, the model is read asynchronously. Cancelling the consumer (a client
        that went away) cancels the request to the model at once, even before its first
        token, instead of letting it run to its end."""
        started = time.perf_counter()
        draft = await anyio.to_thread.run_sync(self.assistant.draft, question, history, filters)
        yield self._sources(draft)
        if not self._generates(draft):
            for event in self._extractive(draft, started):
                yield event
            return
        generated = time.perf_counter()
        streamed: list[str] = []
        try:
            async for text in self.generator.astream(draft):
                streamed.append(text)
                yield Delta(text)
            answer, mode = await anyio.to_thread.run_sync(finish, draft, "".join(streamed))
        except Exception:  # noqa: BLE001 - the extractive answer is always there (cancellation is not an Exception)
            answer, mode = draft.answer, "fallback:llm_error"
        for event in self._settle(draft, answer, mode, "".join(streamed), started, generated):
            yield event

    def _generates(self, draft: Draft) -> bool:
        """A model writes the answer: one is configured and the draft answers (a refusal or a
        partial answer is never sent to it)."""
        return self.generator is not None and draft.answer.status == "answered"

    def _sources(self, draft: Draft) -> Sources:
        if not self._generates(draft):
            return Sources(list(draft.answer.citations), False, draft.query.standalone)
        return Sources([citation_for(n, hit, "") for n, hit in enumerate(draft.passages, 1)], True,
                       draft.query.standalone)

    @staticmethod
    def _extractive(draft: Draft, started: float) -> Iterator[Event]:
        for piece in pieces(draft.answer.answer):
            yield Delta(piece)
        yield Final(draft.answer, _mode(draft.answer),
                    {"retrieval_ms": draft.answer.debug.get("retrieval_ms", 0.0), "total_ms": _ms(started)})

    @staticmethod
    def _settle(draft: Draft, answer: Answer, mode: str, streamed: str, started: float,
                generated: float) -> Iterator[Event]:
        """A reset and the replacement text when the answer is not what was streamed, then Final."""
        if answer.answer != streamed.strip():
            yield Reset()
            for piece in pieces(answer.answer):
                yield Delta(piece)
        yield Final(answer, mode, {"retrieval_ms": draft.answer.debug.get("retrieval_ms", 0.0),
                                   "generation_ms": _ms(generated), "total_ms": _ms(started)})


def _mode(answer) -> str:
    """How an answer that no model wrote was made: refused, partial or extractive."""
    return {"refused": "refused", "partial": "partial"}.get(answer.status, "extractive")


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)
