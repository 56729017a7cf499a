"""Our retriever against three baselines, in one process, on the same data.

Baselines: plain BM25 on ``\\w+`` tokens; BM25 on syllables plus syllable bigrams; and
(with ``--tutorial``) the tutorial LangChain pipeline, RecursiveCharacterTextSplitter
1000/200 + FAISS over the same embeddings. BM25 baselines rank our chunks on the MTTQ
corpus and whole articles on ALQAC (as the issue's reference numbers do).

    python bench/retrieval_compare.py mttq --index data/corpus
    python bench/retrieval_compare.py alqac --subset alqac2023 --index data/alqac2023

Writes ``bench/results/retrieval_<dataset>.json`` and a Markdown table beside it.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

import bm25s
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from api.components import open_assistant  # noqa: E402
from api.config import Settings  # noqa: E402
from assistant import alqac  # noqa: E402
from assistant.eval import is_hit  # noqa: E402
from ingest.normalize import nfc  # noqa: E402

Ranker = Callable[[str], list[int]]  # question → unit indexes, best first


def words(text: str) -> list[str]:
    return re.findall(r"\w+", nfc(text).lower())


def syllables_bigrams(text: str) -> list[str]:
    w = words(text)
    return w + [f"{a}_{b}" for a, b in zip(w, w[1:])]


def bm25_ranker(units: list[str], analyze: Callable[[str], list[str]], depth: int = 10) -> Ranker:
    model = bm25s.BM25()
    model.index([analyze(u) for u in units], show_progress=False)
    vocab = model.vocab_dict

    def rank(question: str) -> list[int]:
        tokens = [t for t in analyze(question) if t in vocab]
        if not tokens:
            return []
        scores = model.get_scores(tokens)
        return [int(i) for i in np.argsort(-scores)[:depth] if scores[i] > 0]
    return rank


def tutorial_ranker(texts: list[str], embeddings, depth: int = 10) -> tuple[Ranker, list[str]]:
    """RecursiveCharacterTextSplitter(1000, 200) + exact FAISS search over ``embeddings``."""
    import faiss
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    pieces = [p for t in texts for p in splitter.split_text(t)]
    vectors = np.asarray(embeddings.embed_documents(pieces), dtype=np.float32)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)

    def rank(question: str) -> list[int]:
        q = np.asarray([embeddings.embed_query(question)], dtype=np.float32)
        return [int(i) for i in index.search(q, depth)[1][0] if i >= 0]
    return rank, pieces


def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {"recall@1": round(sum(r == 1 for r in ranks) / n, 3),
            "recall@5": round(sum(r is not None and r <= 5 for r in ranks) / n, 3),
            "mrr@10": round(sum(1 / r for r in ranks if r) / n, 3)}


def run_mttq(args) -> dict:
    settings = Settings(cache_dir=args.cache_dir) if args.cache_dir else Settings()
    assistant = open_assistant(settings, args.index)
    chunks = assistant.retriever.store.chunks
    units = [c.text for c in chunks]
    questions = [json.loads(l) for l in args.questions.read_text(encoding="utf-8").splitlines() if l.strip()]
    questions = [q for q in questions if q["gold"]]

    def first_hit(texts: list[str], q: dict) -> int | None:
        return next((i for i, t in enumerate(texts[:10], 1) if any(is_hit(t, g["quote"]) for g in q["gold"])), None)

    systems: dict[str, Callable[[dict], list[str]]] = {
        "ours (hybrid)": lambda q: [h.passage.text for h in assistant.search(q["question"], q.get("history"), k=10)[1]],
    }
    w = bm25_ranker(units, words)
    sb = bm25_ranker(units, syllables_bigrams)
    systems["BM25 \\w+"] = lambda q: [units[i] for i in w(q["question"])]
    systems["BM25 syllables+bigrams"] = lambda q: [units[i] for i in sb(q["question"])]
    if args.tutorial:
        from ingest.pipeline import ingest_paths
        docs = defaultdict(list)
        for c in chunks:
            docs[c.metadata["doc_id"]].append(c.text)
        rank, pieces = tutorial_ranker(["\n".join(v) for v in docs.values()], assistant.retriever.embeddings)
        systems["LangChain tutorial (1000/200 + FAISS)"] = lambda q: [pieces[i] for i in rank(q["question"])]
    results: dict[str, dict] = {}
    for name, system in systems.items():
        started = time.perf_counter()
        per_kind: dict[str, list] = defaultdict(list)
        for q in questions:
            per_kind[q["kind"]].append(first_hit(system(q), q))
        everything = [r for rs in per_kind.values() for r in rs]
        results[name] = {**metrics(everything), "by_kind": {k: metrics(v) for k, v in sorted(per_kind.items())},
                         "seconds": round(time.perf_counter() - started, 1)}
    return results


def run_alqac(args) -> dict:
    settings = Settings(cache_dir=args.cache_dir) if args.cache_dir else Settings()
    assistant = open_assistant(settings, args.index)
    rows = list(alqac._rows(args.derived / "corpus.jsonl", args.subset))
    article_ids = [r["doc_id"] for r in rows]
    article_texts = [r["text"] for r in rows]
    questions = alqac.load_questions(args.derived, args.subset)
    w = bm25_ranker(article_texts, words)
    sb = bm25_ranker(article_texts, syllables_bigrams)

    def ours(q):
        hits = assistant.search(q["question"], None, k=30)[1]
        return list(dict.fromkeys(h.chunk.metadata["article_doc_id"] for h in hits))[:10]

    systems = {"ours (hybrid)": ours,
               "BM25 \\w+ (articles)": lambda q: [article_ids[i] for i in w(q["question"])],
               "BM25 syllables+bigrams (articles)": lambda q: [article_ids[i] for i in sb(q["question"])]}
    if args.tutorial:
        rank, pieces = tutorial_ranker(article_texts, assistant.retriever.embeddings, depth=30)
        owner = []
        splitter_owner = []
        from langchain_text_splitters import RecursiveCharacterTextSplitter
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        for doc_id, text in zip(article_ids, article_texts):
            splitter_owner.extend([doc_id] * len(splitter.split_text(text)))
        owner = splitter_owner
        systems["LangChain tutorial (1000/200 + FAISS)"] = \
            lambda q: list(dict.fromkeys(owner[i] for i in rank(q["question"])))[:10]
    results = {}
    for name, system in systems.items():
        started = time.perf_counter()
        ranks = [alqac.rank_of_gold(system(q), q["gold_doc_ids"]) for q in questions]
        results[name] = {**metrics(ranks), "n": len(ranks), "seconds": round(time.perf_counter() - started, 1)}
    return results


def markdown(title: str, results: dict) -> str:
    lines = [f"### {title}", "", "| system | recall@1 | recall@5 | MRR@10 |", "| --- | --- | --- | --- |"]
    for name, m in results.items():
        lines.append(f"| {name} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['mrr@10']:.3f} |")
    kinds = sorted({k for m in results.values() for k in m.get("by_kind", {})})
    if kinds:
        lines += ["", "recall@5 by kind:", "", "| system | " + " | ".join(kinds) + " |",
                  "| --- |" + " --- |" * len(kinds)]
        for name, m in results.items():
            lines.append(f"| {name} | " + " | ".join(f"{m['by_kind'][k]['recall@5']:.2f}" for k in kinds) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", choices=["mttq", "alqac"])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=Path("../shared/eval/mttq_dev.jsonl"))
    parser.add_argument("--derived", type=Path, default=Path("../shared/benchmarks/alqac/derived"))
    parser.add_argument("--subset", default="alqac2023")
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--tutorial", action="store_true", help="also the LangChain tutorial pipeline (embeds again)")
    args = parser.parse_args()
    results = run_mttq(args) if args.dataset == "mttq" else run_alqac(args)
    name = "mttq_dev" if args.dataset == "mttq" else args.subset
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / f"retrieval_{name}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    table = markdown(name, results)
    (out / f"retrieval_{name}.md").write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
