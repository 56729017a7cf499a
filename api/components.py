"""Build the components from settings; the only place where settings meet the stack."""
from __future__ import annotations

import json
from pathlib import Path

from api.config import Settings
from assistant.answer import Assistant
from vectorstore.embeddings import EmbeddingModel, load_embeddings
from vectorstore.retriever import HybridRetriever
from vectorstore.store import IndexStore, current_version


def build_embeddings(settings: Settings, spec: str | None = None) -> EmbeddingModel:
    """The embedding model named by ``spec`` (default: settings), with the content-hash cache."""
    return load_embeddings(spec or settings.embedding_model, settings.embedding_cache)


def open_assistant(settings: Settings, index_dir: Path | None = None) -> Assistant:
    """Load the index and the embedding model it was built with, and wrap them.

    Raises:
        IndexNotFoundError: no index in the directory.
        EmbeddingModelError: the index's model cannot be loaded here.
    """
    directory = index_dir or settings.index_dir
    manifest = json.loads((current_version(directory) / "manifest.json").read_text(encoding="utf-8"))
    embeddings = build_embeddings(settings, manifest.get("embedding_spec") or settings.embedding_model)
    store = IndexStore.load(directory, embedding_model=embeddings.model_id)
    return Assistant(HybridRetriever(store, embeddings))
