"""Put a question file through the running service: ``POST /v1/chat`` and ``GET /v1/search``.

Retrieval is scored on ``/v1/search`` by the hit rule of ``shared/eval/README.md``
(follow-up questions are sent bare, since search takes no history), answers and
refusals on ``/v1/chat`` (with each follow-up's history).

    python bench/eval_http.py --index data/corpus
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from assistant.eval import is_hit  # noqa: E402
from bench.server import served  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=Path("../shared/eval/mttq_dev.jsonl"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/eval_http.json"))
    args = parser.parse_args()
    questions = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = []
    with served(args.index) as url, httpx.Client(base_url=url, timeout=60) as http:
        for q in questions:
            hits = http.get("/v1/search", params={"q": q["question"], "k": 5}).raise_for_status().json()["hits"]
            rank = next((h["rank"] for h in hits if any(is_hit(h["text"], g["quote"]) for g in q["gold"])), None)
            chat = http.post("/v1/chat", json={"question": q["question"], "history": q.get("history", [])})
            body = chat.raise_for_status().json()
            rows.append({"id": q["id"], "kind": q["kind"], "answerable": bool(q["gold"]), "search_rank": rank,
                         "refused": body["refused"], "answer": body["answer"][:300],
                         "cited": [c["source"].rsplit("/", 1)[-1] for c in body["citations"]]})
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    report = {
        "n": len(rows), "n_answerable": len(answerable),
        "search_recall@5": round(sum(r["search_rank"] is not None for r in answerable) / len(answerable), 3),
        "search_recall@1": round(sum(r["search_rank"] == 1 for r in answerable) / len(answerable), 3),
        "chat_refusal_rate": round(sum(r["refused"] for r in unanswerable) / max(1, len(unanswerable)), 3),
        "chat_false_refusal_rate": round(sum(r["refused"] for r in answerable) / len(answerable), 3),
        "rows": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "rows"}, indent=2))


if __name__ == "__main__":
    main()
