"""Search latency over an index, query embedding included (what /v1/search does).

    python bench/search_latency.py --index data/corpus

Runs each question of the file ``--repeat`` times after one warm-up pass and reports
p50/p95/max in milliseconds (``bench/results/search_latency.json``).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from api.components import open_assistant  # noqa: E402
from api.config import Settings  # noqa: E402
from bench.load_chat import percentile  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=Path("../shared/eval/mttq_dev.jsonl"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    assistant = open_assistant(Settings(), args.index)
    # measure the encoder, not the embedding cache: repeated questions would all be cache hits
    embeddings = assistant.retriever.embeddings
    assistant.retriever.embeddings = getattr(embeddings, "inner", embeddings)
    questions = [json.loads(l)["question"] for l in args.questions.read_text(encoding="utf-8").splitlines() if l.strip()]
    for q in questions:  # warm-up: caches, lazy imports
        assistant.search(q, None, k=5)
    timings = []
    for _ in range(args.repeat):
        for q in questions:
            started = time.perf_counter()
            assistant.search(q, None, k=5)
            timings.append((time.perf_counter() - started) * 1000)
    report = {"chunks": len(assistant.retriever.store.chunks), "queries": len(timings),
              "p50_ms": round(percentile(timings, 50), 1), "p95_ms": round(percentile(timings, 95), 1),
              "max_ms": round(max(timings), 1)}
    out = Path("bench/results/search_latency.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
