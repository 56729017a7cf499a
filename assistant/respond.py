"""One turn of the conversation, whole or streamed, extractive or generated."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Iterator, Union

from assistant.answer import Assistant
from assistant.llm import LLMGenerator, finish
from assistant.types import Answer

_PIECE = re.compile(r"\S+\s*")
_WORDS_PER_PIECE = 4


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


Event = Union[Delta, Reset, Final]


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

    def respond(self, question: str, history: list[dict] | None = None, filters: dict | None = None) -> Final:
        """The whole answer for one turn (``filters``: see :meth:`Assistant.search`)."""
        started = time.perf_counter()
        draft = self.assistant.draft(question, history, filters)
        timings = {"retrieval_ms": draft.answer.debug.get("retrieval_ms", 0.0)}
        if self.generator is None or draft.answer.status != "answered":
            return Final(draft.answer, _mode(draft.answer),
                         {**timings, "total_ms": _ms(started)})
        generated = time.perf_counter()
        answer, mode = self.generator.generate(draft)
        return Final(answer, mode, {**timings, "generation_ms": _ms(generated), "total_ms": _ms(started)})

    def stream(self, question: str, history: list[dict] | None = None,
               filters: dict | None = None) -> Iterator[Event]:
        """Events for one turn: deltas (possibly a reset and new deltas), then :class:`Final`."""
        started = time.perf_counter()
        draft = self.assistant.draft(question, history, filters)
        timings = {"retrieval_ms": draft.answer.debug.get("retrieval_ms", 0.0)}
        if self.generator is None or draft.answer.status != "answered":
            for piece in pieces(draft.answer.answer):
                yield Delta(piece)
            yield Final(draft.answer, _mode(draft.answer),
                        {**timings, "total_ms": _ms(started)})
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
        if answer.answer != "".join(streamed).strip():
            yield Reset()
            for piece in pieces(answer.answer):
                yield Delta(piece)
        yield Final(answer, mode, {**timings, "generation_ms": _ms(generated), "total_ms": _ms(started)})


def _mode(answer) -> str:
    """How an answer that no model wrote was made: refused, partial or extractive."""
    return {"refused": "refused", "partial": "partial"}.get(answer.status, "extractive")


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)
