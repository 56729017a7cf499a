"""An earlier release's answers measured with today's answer metrics (the "before" of docs/evaluation.md).

The release's code is imported from a git worktree; only ``assistant/eval.py`` is this tree's,
so both releases are judged by the same rule (``shared/eval/README.md``). A release without
partial answers has two statuses: refused or answered. Usage::

    git worktree add /tmp/release d2744d8
    .venv/bin/python bench/answer_before.py --tree /tmp/release --index <index built by that release> \\
        ../shared/eval/mttq_dev.jsonl ../shared/eval/mttq_dev2.jsonl

Writes ``bench/results/answer_before.json``: per question file, the overall metrics and the
metrics per kind.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEYS = ("n", "n_answerable", "recall@5", "mrr@10", "answer_on_gold_rate", "refusal_rate", "false_refusal_rate",
        "partial_rate", "answer_chars_median", "answer_chars_p90", "objective")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", type=Path, required=True, help="a worktree of the release to measure")
    parser.add_argument("--index", type=Path, required=True, help="an index that release built")
    parser.add_argument("questions", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "answer_before.json")
    args = parser.parse_args()
    sys.path.insert(0, str(args.tree.resolve()))  # the release's packages before this tree's
    spec = importlib.util.spec_from_file_location("today_eval", ROOT / "assistant" / "eval.py")
    today = importlib.util.module_from_spec(spec)
    sys.modules["today_eval"] = today
    spec.loader.exec_module(today)
    from api.components import open_assistant  # the release's
    from api.config import Settings

    assistant = open_assistant(Settings(), args.index)
    answer = assistant.answer

    def with_status(*a, **kw):
        result = answer(*a, **kw)
        result.status = "refused" if result.refused else "answered"
        return result

    assistant.answer = with_status
    out = {}
    for path in args.questions:
        report = today.evaluate(assistant, today.load_questions(path)).to_dict()
        out[path.name] = {"overall": {k: report[k] for k in KEYS}, "by_kind": report["by_kind"]}
        print(path.name, json.dumps(out[path.name]["overall"]), flush=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
