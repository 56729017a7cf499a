"""Errors of the index layer."""


class VectorStoreError(Exception):
    """Base class; ``reason`` is a short machine code."""

    reason = "vectorstore_error"


class IndexNotFoundError(VectorStoreError):
    """The index directory has no usable index (never built, or wrong path)."""

    reason = "index_not_found"


class IndexMismatchError(VectorStoreError):
    """The index was built with another embedding model or dimension than the one loaded."""

    reason = "index_mismatch"


class EmbeddingModelError(VectorStoreError):
    """The embedding model could not be loaded (unknown name, missing files, offline)."""

    reason = "embedding_model_error"
