"""A small OpenAI-compatible chat server for tests (normal and streaming replies).

``FakeOpenAI.reply`` decides the answer from the request's messages; tests set it.
The server runs with uvicorn in a thread on a free loopback port.
"""
from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from typing import Callable

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerThread:
    """Any ASGI app served by uvicorn in a daemon thread on a free loopback port."""

    def __init__(self, app, port: int | None = None) -> None:
        self.port = port or free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> "ServerThread":
        self.thread.start()
        deadline = time.time() + 10
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


class FakeOpenAI:
    """Start with :meth:`start`; ``base_url`` is then ``http://127.0.0.1:<port>/v1``.

    ``delay``: seconds between streamed words; ``first_token_delay``: seconds a stream
    "thinks" before its first word, watching its client meanwhile. ``log`` records what
    happened to streams, with ``time.monotonic()`` stamps: ``("request", t)``,
    ``("first_token", t)``, ``("disconnected", t)`` when the client closed the connection
    before the stream ended, ``("done", t)``.
    """

    def __init__(self, reply: Callable[[list[dict]], str] | None = None, delay: float = 0.0,
                 first_token_delay: float = 0.0) -> None:
        self.reply = reply or (lambda _messages: "Xin chào.")
        self.delay = delay  # seconds between streamed words, to make streams take time
        self.first_token_delay = first_token_delay
        self.requests: list[dict] = []
        self.log: list[tuple[str, float]] = []
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def completions(request: Request):
            body = await request.json()
            self.requests.append(body)
            text = self.reply(body["messages"])
            if not body.get("stream"):
                return {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
                        "model": body.get("model", "fake"),
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                     "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}

            async def gone(seconds: float) -> bool:
                """Wait ``seconds``; True as soon as the client disconnects."""
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline:
                    if await request.is_disconnected():
                        self.log.append(("disconnected", time.monotonic()))
                        return True
                    await asyncio.sleep(min(0.02, max(0.0, deadline - time.monotonic())))
                return False

            async def events():
                self.log.append(("request", time.monotonic()))
                try:
                    async for event in words_of(text):
                        yield event
                except (asyncio.CancelledError, GeneratorExit, OSError):
                    # the server noticed the closed connection itself and stopped the stream
                    self.log.append(("disconnected", time.monotonic()))
                    raise

            async def words_of(text: str):
                if self.first_token_delay and await gone(self.first_token_delay):
                    return
                words = text.split(" ")
                for i, word in enumerate(words):
                    if self.delay and await gone(self.delay):
                        return
                    if i == 0:
                        self.log.append(("first_token", time.monotonic()))
                    piece = word + (" " if i < len(words) - 1 else "")
                    chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0,
                             "model": "fake", "choices": [{"index": 0, "delta": {"content": piece},
                                                           "finish_reason": None}]}
                    yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
                done = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": "fake",
                        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                yield f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n"
                self.log.append(("done", time.monotonic()))

            return StreamingResponse(events(), media_type="text/event-stream")

        self._thread = ServerThread(app, self.port)

    def start(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._thread.stop()


def passages_of(messages: list[dict]) -> dict[int, str]:
    """The numbered passages the assistant put in its prompt: {n: text}."""
    user = next(m["content"] for m in messages if m["role"] == "user")
    out: dict[int, str] = {}
    for block in user.split("\n\n["):
        head, _, rest = block.partition("]")
        number = head.lstrip("[").strip()
        if number.isdigit() and "<tai_lieu>" in rest:
            out[int(number)] = rest.split("<tai_lieu>\n", 1)[1].split("\n</tai_lieu>", 1)[0]
    return out


def quoting(needle: str, prefix: str = "Theo hướng dẫn,", otherwise: str = "Không rõ.") -> Callable[[list[dict]], str]:
    """A faithful model for :class:`FakeOpenAI`: it replies with the line of its numbered
    passages that holds ``needle``, after ``prefix``, cited as ``[n]``; ``otherwise`` when
    no passage holds it."""
    def reply(messages: list[dict]) -> str:
        for n, text in passages_of(messages).items():
            for line in text.split("\n"):
                if needle in line:
                    return f"{prefix} {line.strip()} [{n}]"
        return otherwise

    return reply
