"""Build the components from settings; the only place where settings meet the stack."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from api.config import Settings
from assistant.answer import Assistant
from assistant.llm import LLMGenerator, chat_model_from
from assistant.reranker import DEFAULT_WEIGHTS
from assistant.respond import Responder
from vectorstore.embeddings import EmbeddingModel, load_embeddings
from vectorstore.errors import IndexMismatchError
from vectorstore.retriever import HybridRetriever
from vectorstore.store import IndexStore, current_version, index_exists
from vectorstore.stores import is_database_url, open_store, store_exists
from vectorstore.stores.base import ChunkStore

log = logging.getLogger(__name__)


def build_embeddings(settings: Settings, spec: str | None = None) -> EmbeddingModel:
    """The embedding model named by ``spec`` (default: settings), with the content-hash cache."""
    return load_embeddings(spec or settings.embedding_model, settings.embedding_cache,
                           model_dir=settings.model_cache)


def index_embedding_spec(location: Path | str) -> str | None:
    """How the index at ``location`` (a directory or a PostgreSQL URL) names the encoder that
    built it, or None when there is no index there yet."""
    if is_database_url(location):
        if not store_exists(location):
            return None
        store = open_store(location)
        try:
            return store.manifest.get("embedding_spec") or None
        finally:
            store.close()
    if not index_exists(Path(location)):
        return None
    manifest = json.loads((current_version(Path(location)) / "manifest.json").read_text(encoding="utf-8"))
    return manifest.get("embedding_spec") or None


def empty_store(embeddings: EmbeddingModel, location: Path | str | None = None) -> ChunkStore:
    """An index with no chunks, for ``embeddings``, at ``location``: in a database the empty
    store is created there (every worker shares it, as any other); for a directory it is
    kept in memory and the first document added through the admin API writes its first
    version there (``None``: in memory only)."""
    extra = {"embedding_spec": embeddings.spec}
    if is_database_url(location):
        from vectorstore.stores.pg import PgStore

        return PgStore.create(str(location), embedding_model=embeddings.model_id, dimension=embeddings.dimension,
                              extra=extra)
    store = IndexStore.build([], np.zeros((0, embeddings.dimension), dtype=np.float32),
                             embedding_model=embeddings.model_id, extra=extra)
    store.directory = Path(location) if location is not None else None
    return store


def open_assistant(settings: Settings, index_dir: Path | str | None = None, *,
                   allow_empty: bool = False) -> Assistant:
    """Open the index (``index_dir``: a directory or a PostgreSQL URL; default: the
    settings' :attr:`~api.config.Settings.index_location`) and the embedding model it was
    built with, and wrap them. With ``allow_empty``, a location without an index gives an
    empty one (the settings' model; see :func:`empty_store`).

    Raises:
        IndexNotFoundError: no index there (and not ``allow_empty``).
        IndexMismatchError: the model named in the index makes other vectors here.
        EmbeddingModelError: the index's model cannot be loaded here.
        PgError: the database cannot be reached.
    """
    location = index_dir or settings.index_location
    if allow_empty and not _exists(location):
        embeddings = build_embeddings(settings)
        store = empty_store(embeddings, location)
    else:
        store = open_store(location)  # IndexNotFoundError before any model is loaded
        embeddings = build_embeddings(settings, store.manifest.get("embedding_spec") or settings.embedding_model)
        if store.manifest.get("embedding_model") != embeddings.model_id:
            raise IndexMismatchError(f"the index was built with {store.manifest.get('embedding_model')!r}, "
                                     f"not {embeddings.model_id!r}; rebuild it with `mttq ingest`")
    return assistant_for(settings, store, embeddings)


def _exists(location: Path | str) -> bool:
    """:func:`store_exists`, with an unreachable database as :class:`PgError`."""
    if not is_database_url(location):
        return store_exists(location)
    from vectorstore.stores.pg import PgError

    try:
        return store_exists(location)
    except Exception as exc:  # noqa: BLE001 - psycopg's connection errors, named for the log
        raise PgError(f"cannot connect to PostgreSQL: {exc}") from exc


def assistant_for(settings: Settings, store: ChunkStore, embeddings: EmbeddingModel) -> Assistant:
    """An :class:`Assistant` over ``store`` with the retrieval and answer settings."""
    retriever = HybridRetriever(store, embeddings, dense_weight=settings.rrf_dense_weight,
                                keyword_weight=settings.rrf_keyword_weight,
                                reference_weight=settings.rrf_reference_weight,
                                candidates=settings.retrieval_candidates, rrf_k=settings.rrf_k,
                                per_document=settings.retrieval_per_document,
                                section_chars=settings.retrieval_section_chars, rrf_share=settings.rrf_share)
    weights = (settings.reranker_weights or DEFAULT_WEIGHTS) if settings.reranker else None
    return Assistant(retriever, reranker_weights=weights, answer_type_boost=settings.answer_type_boost)


def renewed(assistant: Assistant, store: ChunkStore) -> Assistant:
    """``assistant`` over ``store`` (a new version, or a database that changed): same model,
    retrieval parameters and answer policy; corpus counts read again."""
    old = assistant.retriever
    retriever = HybridRetriever(store, old.embeddings, dense_weight=old.dense_weight,
                                keyword_weight=old.keyword_weight, reference_weight=old.reference_weight,
                                candidates=old.ranking_depth, rrf_k=old.rrf_k, per_document=old.per_document,
                                section_chars=old.section_chars, rrf_share=old.rrf_share)
    return Assistant(retriever, assistant.policy, assistant.reranker_weights, assistant.answer_type.factor)


def open_responder(settings: Settings, index_dir: Path | str | None = None, *,
                   allow_empty: bool = False) -> Responder:
    """The assistant (see :func:`open_assistant`) plus, when ``MTTQ_LLM_BASE_URL`` and
    ``MTTQ_LLM_MODEL`` are set, an LLM generator for an OpenAI-compatible server."""
    assistant = open_assistant(settings, index_dir, allow_empty=allow_empty)
    generator = None
    if settings.llm_enabled:
        assert settings.llm_base_url and settings.llm_model
        generator = LLMGenerator(chat_model_from(
            settings.llm_base_url, settings.llm_model, settings.llm_api_key.get_secret_value(),
            timeout=settings.llm_timeout_seconds, temperature=settings.llm_temperature))
        log.info("answers generated by %s at %s, verified against their citations",
                 settings.llm_model, settings.llm_base_url)
    return Responder(assistant, generator)
