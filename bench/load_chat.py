"""Load test: concurrent chat clients against the extractive default, on loopback.

Each client sends a few questions from a question file, alternating plain JSON and
streamed (SSE) requests. Bounded in count (clients × requests) and in time. Reports
errors, latency p50/p95 and, for streams, time to first event. Example:

    python bench/load_chat.py --index data/corpus --clients 200 --requests 3
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.server import served  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


async def client(url: str, http: httpx.AsyncClient, questions: list[str], n: int, offset: int,
                 out: dict) -> None:
    for i in range(n):
        question = questions[(offset + i) % len(questions)]
        stream = (offset + i) % 2 == 1
        started = time.perf_counter()
        try:
            if stream:
                first = None
                async with http.stream("POST", f"{url}/v1/chat", json={"question": question, "stream": True}) as res:
                    async for line in res.aiter_lines():
                        if line.startswith("event:") and first is None:
                            first = time.perf_counter() - started
                        if line.startswith("event: error"):
                            raise RuntimeError("error event")
                    if res.status_code != 200:
                        raise RuntimeError(f"status {res.status_code}")
                out["ttfe"].append(first or 0.0)
            else:
                res = await http.post(f"{url}/v1/chat", json={"question": question})
                if res.status_code != 200:
                    raise RuntimeError(f"status {res.status_code}")
            out["latency"].append(time.perf_counter() - started)
        except Exception as exc:  # noqa: BLE001 - counted, reported
            out["errors"].append(f"{type(exc).__name__}: {exc}")


async def run(url: str, questions: list[str], clients: int, requests: int, time_limit: float) -> dict:
    out: dict = {"latency": [], "ttfe": [], "errors": []}
    limits = httpx.Limits(max_connections=clients + 10, max_keepalive_connections=clients + 10)
    async with httpx.AsyncClient(limits=limits, timeout=time_limit) as http:
        started = time.perf_counter()
        tasks = [client(url, http, questions, requests, c * requests, out) for c in range(clients)]
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=time_limit)
        out["wall_s"] = time.perf_counter() - started
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=Path("../shared/eval/mttq_dev.jsonl"))
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--requests", type=int, default=3, help="requests per client")
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds for the whole run")
    parser.add_argument("--out", type=Path, default=Path("bench/results/load_chat.json"))
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    with served(args.index) as url:
        result = asyncio.run(run(url, questions, args.clients, args.requests, args.time_limit))
    lat, ttfe = result["latency"], result["ttfe"]
    report = {
        "clients": args.clients, "requests": args.clients * args.requests, "ok": len(lat),
        "errors": len(result["errors"]), "error_samples": result["errors"][:5],
        "wall_s": round(result["wall_s"], 1), "throughput_rps": round(len(lat) / result["wall_s"], 1),
        "latency_p50_s": round(percentile(lat, 50), 3) if lat else None,
        "latency_p95_s": round(percentile(lat, 95), 3) if lat else None,
        "ttfe_p50_s": round(percentile(ttfe, 50), 3) if ttfe else None,
        "ttfe_p95_s": round(percentile(ttfe, 95), 3) if ttfe else None,
        "median_latency_over_p95": round(statistics.median(lat) / percentile(lat, 95), 3) if lat else None,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
