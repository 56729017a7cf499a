import json

import numpy as np
import pytest

from assistant.query import build_query
from assistant.reranker import DEFAULT_WEIGHTS, FEATURES, FeatureReranker, RerankerError


def _candidates(assistant, question):
    query = build_query(question)
    return query, assistant.retriever.candidates(query.dense, query.keyword, 12, refs=query.refs)


def test_features_have_one_column_per_name_and_real_values(assistant):
    query, hits = _candidates(assistant, "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng là bao lâu?")
    x = FeatureReranker(np.zeros(len(FEATURES)), assistant.stats).features(query, hits)
    assert x.shape == (len(hits), len(FEATURES))
    col = {name: x[:, i] for i, name in enumerate(FEATURES)}
    assert np.allclose(col["dense"], [h.dense_score for h in hits])
    assert col["coverage"].max() <= 1.0 and col["coverage"].max() > 0.5
    assert col["prior"][0] == 1.0 and np.all(np.diff(col["prior"]) < 0)


def test_rerank_orders_by_the_weighted_features(assistant):
    query, hits = _candidates(assistant, "Ban Thường trực họp thường kỳ khi nào?")
    weights = np.zeros(len(FEATURES))
    weights[FEATURES.index("keyword_rel")] = 1.0
    reranked = FeatureReranker(weights, assistant.stats).rerank(query, hits)
    assert sorted(h.chunk.id for h in reranked) == sorted(h.chunk.id for h in hits)
    scores = [h.keyword_score for h in reranked]
    assert scores == sorted(scores, reverse=True)
    assert all("rerank" in h.extra for h in reranked)


def test_weights_save_load_and_refuse_other_features(assistant, tmp_path):
    path = tmp_path / "w.json"
    FeatureReranker(np.arange(len(FEATURES), dtype=float), assistant.stats, depth=25).save(path, note="test")
    loaded = FeatureReranker.load(path, assistant.stats)
    assert loaded.weights.tolist() == list(range(len(FEATURES))) and loaded.depth == 25
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RerankerError):
        FeatureReranker.load(path, assistant.stats)
    with pytest.raises(RerankerError):
        FeatureReranker([1.0, 2.0], assistant.stats)


def test_shipped_weights_load_and_keep_answers_right(assistant):
    from assistant.answer import Assistant

    reranked = Assistant(assistant.retriever, reranker_weights=DEFAULT_WEIGHTS)
    answer = reranked.answer("Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là bao lâu?")
    assert not answer.refused and "30 tháng" in answer.answer
