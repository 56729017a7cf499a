"""Ingestion before/after: per-file text and chunk counts, and gold-quote coverage.

Run ``dump`` once with each version of the code (the ``ingest`` package that is first on
``sys.path``), then ``compare`` the two dumps::

    PYTHONPATH=/tmp/main-tree .venv/bin/python bench/ingest_compare.py dump ../shared/corpus before.json
    .venv/bin/python bench/ingest_compare.py dump ../shared/corpus after.json
    .venv/bin/python bench/ingest_compare.py compare before.json after.json

``dump`` records, per file, its status, the characters of its chunk texts (heading lines
included, each chunk's text once) and its number of chunks; and, per gold quote of the
eval files, whether some chunk is a hit by the hit rule of ``shared/eval/README.md``
(whole quote, or one contiguous overlap of at least 60 % of the quote). No embeddings are
computed.
"""
from __future__ import annotations

import json
import math
import re
import sys
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

EVAL_FILES = ("mttq_dev.jsonl", "mttq_dev2.jsonl")


def norm(text: str) -> str:
    """The hit rule's normalisation: NFC, whitespace runs collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def is_hit(chunk: str, quote: str, min_frac: float = 0.6) -> bool:
    """``shared/eval/README.md``'s hit rule, on normalised texts."""
    if quote in chunk:
        return True
    m = SequenceMatcher(None, chunk, quote, autojunk=False).find_longest_match(0, len(chunk), 0, len(quote))
    return m.size >= min_frac * len(quote)


def covered(texts: list[str], quote: str) -> bool:
    """True when some text is a hit for ``quote``. Every window of 60 % of the quote
    contains the quote's middle ``quote[n-L:L]``, so only texts holding that middle are
    compared in full (an exact filter, not an approximation)."""
    q = norm(quote)
    length = math.ceil(0.6 * len(q))
    middle = q[len(q) - length:length]
    return any(is_hit(t, q) for t in texts if middle in t)


def dump(corpus: Path, out: Path) -> None:
    import ingest
    from ingest.pipeline import ingest_paths

    print(f"ingest package: {Path(ingest.__file__).parent}", file=sys.stderr)
    result = ingest_paths([corpus])
    files: dict[str, dict] = {}
    for status in result.statuses:
        files[status.path] = {"status": status.status, "chunks": 0, "chars": 0, "title": status.title}
    texts = []
    for chunk in result.chunks:
        entry = files[chunk.metadata["source"]]
        entry.update({k: chunk.metadata.get(k, "") for k in ("date", "author", "doc_type", "so_hieu")})
        entry["chunks"] += 1
        entry["chars"] += len(chunk.text)
        texts.append(norm(chunk.text))
    gold: dict[str, bool] = {}
    eval_dir = corpus.parent / "eval"
    for name in EVAL_FILES:
        for line in (eval_dir / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            for k, entry in enumerate(item.get("gold") or []):
                gold[f"{item['id']}#{k}"] = covered(texts, entry["quote"])
    root = str(corpus)
    out.write_text(json.dumps({"files": {k.removeprefix(root).lstrip("/"): v for k, v in files.items()},
                               "gold": gold}, ensure_ascii=False, indent=1), encoding="utf-8")


def compare(before_path: Path, after_path: Path) -> None:
    before = json.loads(before_path.read_text(encoding="utf-8"))
    after = json.loads(after_path.read_text(encoding="utf-8"))
    print("| file | status | chars before | chars after | Δ% | chunks before | chunks after |")
    print("|---|---|---:|---:|---:|---:|---:|")
    totals = [0, 0, 0, 0]
    for name in sorted(set(before["files"]) | set(after["files"])):
        b = before["files"].get(name, {"status": "-", "chars": 0, "chunks": 0})
        a = after["files"].get(name, {"status": "-", "chars": 0, "chunks": 0})
        delta = (a["chars"] - b["chars"]) / b["chars"] * 100 if b["chars"] else 0.0
        status = a["status"] if a["status"] == b["status"] else f"{b['status']}→{a['status']}"
        print(f"| {name} | {status} | {b['chars']} | {a['chars']} | {delta:+.1f} | {b['chunks']} | {a['chunks']} |")
        for i, v in enumerate((b["chars"], a["chars"], b["chunks"], a["chunks"])):
            totals[i] += v
    print(f"| **total** | | {totals[0]} | {totals[1]} | | {totals[2]} | {totals[3]} |")
    for label, data in (("before", before), ("after", after)):
        hits = sum(data["gold"].values())
        print(f"gold quotes covered {label}: {hits}/{len(data['gold'])}")
    print("\nmetadata changed (before → after):")
    for name in sorted(set(before["files"]) & set(after["files"])):
        b, a = before["files"][name], after["files"][name]
        changed = [f"{k}: {b.get(k, '')!r} → {a.get(k, '')!r}" for k in ("title", "date", "author", "doc_type", "so_hieu")
                   if b.get(k, "") != a.get(k, "")]
        if changed:
            print(f"- {name}: " + "; ".join(changed))
    lost = [k for k, v in before["gold"].items() if v and not after["gold"].get(k)]
    gained = [k for k, v in after["gold"].items() if v and not before["gold"].get(k)]
    print(f"lost: {lost or 'none'}; gained: {gained or 'none'}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "dump":
        dump(Path(sys.argv[2]).resolve(), Path(sys.argv[3]))
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        compare(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        sys.exit(__doc__)
