"""Write an ALQAC subset as ordinary documents: one Markdown file per law, plus its questions.

The laws then go through ``mttq ingest`` like any other file, and the questions through
``mttq eval``: the benchmark's "same quality when the laws arrive as ordinary documents".

Each file is ``# <law>`` followed by every article as a ``Điều N. <name>`` line and its
text. Each question's gold quote is the start of its gold article's text (the
``Điều N. <name>`` line and what follows, up to ``--quote-chars`` characters), so the
hit rule of ``shared/eval/README.md`` holds for the chunk that starts the article.

    python bench/alqac_markdown.py --subset alqac2023 --out data/alqac2023-md
    mttq ingest data/alqac2023-md/laws --index data/alqac2023-md/index
    mttq eval data/alqac2023-md/questions.jsonl --index data/alqac2023-md/index --json
"""
from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

from ingest.normalize import normalize_text

DERIVED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "alqac" / "derived"


def law_file_name(law_id: str) -> str:
    """A file name for a law id such as "91/2015/QH13" or "Luật Cư trú" (``/`` and spaces replaced)."""
    return re.sub(r"[^\w.-]+", "_", law_id).strip("_") + ".md"


def article_block(article_id: str, text: str) -> str:
    """An article as Markdown text: its name (first line) after ``Điều N.``, then its body."""
    text = normalize_text(text)
    name, _, body = text.partition("\n")
    return f"Điều {article_id}. {name.strip()}\n\n{body.strip()}".strip()


def export(derived: Path, subset: str, out: Path, quote_chars: int = 120) -> tuple[int, int]:
    """Write ``out/laws/*.md`` and ``out/questions.jsonl``; returns (laws, questions)."""
    laws: dict[str, list[tuple[str, str]]] = defaultdict(list)
    blocks: dict[str, tuple[str, str]] = {}
    with open(derived / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["subset"] != subset:
                continue
            block = article_block(row["article_id"], row["text"])
            laws[row["law_id"]].append((row["article_id"], block))
            blocks[row["doc_id"]] = (row["law_id"], block)
    (out / "laws").mkdir(parents=True, exist_ok=True)
    for law_id, articles in laws.items():
        text = f"# {law_id}\n\n" + "\n\n".join(block for _id, block in articles) + "\n"
        (out / "laws" / law_file_name(law_id)).write_text(text, encoding="utf-8")
    n = 0
    with open(derived / "queries.jsonl", encoding="utf-8") as fh, \
            open(out / "questions.jsonl", "w", encoding="utf-8") as q_out:
        for line in fh:
            row = json.loads(line)
            if row["subset"] != subset:
                continue
            gold = [{"file": law_file_name(blocks[d][0]), "quote": _quote(blocks[d][1], quote_chars)}
                    for d in row["gold_doc_ids"]]
            q_out.write(json.dumps({"id": row["query_id"], "question": row["text"], "gold": gold,
                                    "kind": row.get("question_type") or "alqac"}, ensure_ascii=False) + "\n")
            n += 1
    return len(laws), n


def _quote(block: str, chars: int) -> str:
    """The first ``chars`` characters of ``block`` cut at a word boundary, whitespace collapsed."""
    flat = re.sub(r"\s+", " ", block)
    if len(flat) <= chars:
        return flat
    cut = flat[:chars]
    return cut[:cut.rfind(" ")] if " " in cut else cut


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset", default="alqac2023")
    parser.add_argument("--derived", type=Path, default=DERIVED)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--quote-chars", type=int, default=120)
    args = parser.parse_args()
    laws, questions = export(args.derived, args.subset, args.out, args.quote_chars)
    print(f"{laws} laws and {questions} questions written to {args.out}")


if __name__ == "__main__":
    main()
