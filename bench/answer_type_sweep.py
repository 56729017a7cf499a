"""Sweep the answer-type boost factor (assistant/answer_type.py) over question sets.

For each factor, runs ``mttq eval`` logic on the MTTQ question file(s) (recall, MRR,
refusal, false refusal) and, for each ``--alqac SUBSET=INDEX``, the ALQAC questions whose
kind the boost acts on (the others rank exactly as without it), each over its own index:

    python bench/answer_type_sweep.py --index data/corpus \\
        --questions ../shared/eval/mttq_dev.jsonl --factors 0,0.25,0.4,0.6,1.0 \\
        --alqac alqac2022=data/alqac2022 --alqac alqac2023=data/alqac2023

Writes ``bench/results/answer_type.json``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from api.components import open_assistant  # noqa: E402
from api.config import Settings  # noqa: E402
from assistant import alqac  # noqa: E402
from assistant.answer_type import AnswerTypeBoost, precise_kind  # noqa: E402
from assistant.eval import evaluate, evaluate_alqac, load_questions  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"
RESULTS = Path(__file__).resolve().parent / "results" / "answer_type.json"
KEYS = ("recall@1", "recall@5", "mrr@10", "refusal_rate", "false_refusal_rate", "answer_on_gold_rate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="index of the MTTQ corpus")
    parser.add_argument("--questions", type=Path, action="append",
                        help="MTTQ question file(s) (default: shared/eval/mttq_dev.jsonl)")
    parser.add_argument("--factors", default="0,0.25,0.4,0.6,1.0")
    parser.add_argument("--alqac", action="append", default=[], metavar="SUBSET=INDEX")
    parser.add_argument("--cache-dir", type=Path)
    args = parser.parse_args()
    settings = Settings(**({"cache_dir": args.cache_dir} if args.cache_dir else {}))
    factors = [float(f) for f in args.factors.split(",")]
    results: dict[str, dict[str, dict]] = {}

    assistant = open_assistant(settings, args.index)
    for path in args.questions or [SHARED / "eval" / "mttq_dev.jsonl"]:
        questions = load_questions(path)
        for factor in factors:
            assistant.answer_type = AnswerTypeBoost(factor)
            report = evaluate(assistant, questions).to_dict()
            row = {k: round(report[k], 4) for k in KEYS} | {"misses": report["misses"]}
            results.setdefault(path.name, {})[str(factor)] = row
            print(path.name, factor, row, flush=True)

    for spec in args.alqac:
        subset, index = spec.split("=", 1)
        assistant = open_assistant(settings, Path(index))
        questions = [q for q in alqac.load_questions(SHARED / "benchmarks" / "alqac" / "derived", subset)
                     if precise_kind(assistant.understand(q["question"])[1])]
        for factor in factors:
            assistant.answer_type = AnswerTypeBoost(factor)
            row = {k: round(v, 4) for k, v in evaluate_alqac(assistant, questions).items()}
            results.setdefault(f"{subset} (questions asking an amount or a date)", {})[str(factor)] = row
            print(subset, factor, row, flush=True)

    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
