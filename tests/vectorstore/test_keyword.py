from vectorstore.analysis import analyze
from vectorstore.keyword import KeywordIndex

TEXTS = ["Đường làng ở xã nông thôn mới được bê tông hóa",
         "Ông Dương là Chủ tịch Ủy ban Mặt trận Tổ quốc xã",
         "Hội nghị hiệp thương lần thứ ba"]


def test_analyze_exact_and_folded_unigrams_and_bigrams():
    tokens = analyze("Nông thôn")
    assert tokens == ["nông", "~nong", "thôn", "~thon", "nông_thôn", "~nong_thon"]


def test_query_without_diacritics_finds_the_passage():
    index = KeywordIndex.build(TEXTS)
    scores = index.scores("duong lang nong thon moi")
    assert scores.argmax() == 0


def test_diacritics_in_query_prefer_exact_form():
    index = KeywordIndex.build(TEXTS)
    assert index.scores("đường").argmax() == 0
    assert index.scores("Dương").argmax() == 1


def test_unknown_terms_score_zero_and_save_load_roundtrip(tmp_path):
    index = KeywordIndex.build(TEXTS)
    assert not index.scores("xyzzy").any()
    index.save(tmp_path / "kw")
    loaded = KeywordIndex.load(tmp_path / "kw")
    assert (loaded.scores("hiệp thương") == index.scores("hiệp thương")).all()
    assert not list((tmp_path / "kw").glob("*.pkl"))
