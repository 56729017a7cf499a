"""Learn the feature reranker's weights and measure what it changes.

Training data: the fused candidates of every question of the MTTQ dev set (chunk-level
gold, hit rule of ``shared/eval/README.md``) and of the ALQAC subsets (gold articles),
each over its own index. The model is pairwise logistic regression on feature
differences (a gold candidate against up to 20 non-gold ones of the same question; no
intercept, L2 with C = 0.1), i.e. RankNet with a linear scorer. The MTTQ questions count
``--dev-weight`` times, so that 40 of them are not drowned by 620 legal ones.

Reported, per data set: the fused order, the reranker trained without that data set's
questions (out of domain), and 5-fold cross-validation (the fold's questions never in
training). The weights written are trained on everything.

    python bench/train_reranker.py --dev-index data/corpus \\
        --alqac alqac2022=data/alqac2022 --alqac alqac2023=data/alqac2023 \\
        --out assistant/data/reranker.json

Writes ``bench/results/reranker.json`` too.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from api.components import open_assistant  # noqa: E402
from api.config import Settings  # noqa: E402
from assistant import alqac  # noqa: E402
from assistant.eval import is_hit, load_questions  # noqa: E402
from assistant.query import build_query  # noqa: E402
from assistant.reranker import FEATURES, FeatureReranker  # noqa: E402
from vectorstore.retriever import Hit, HybridRetriever  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEPTH = 40  # candidates re-scored (FeatureReranker.depth); --depth changes it
NEGATIVES = 20
C = 0.1
FOLDS = 5


@dataclass
class Sample:
    """One question's candidates: features, gold labels, and what a hit is counted as."""

    dataset: str
    id: str
    x: np.ndarray
    gold: np.ndarray
    groups: list[str]  # a rank counts distinct groups: chunks (MTTQ) or articles (ALQAC)
    hits: list[Hit]


def collect(dataset: str, index: Path, questions: list[dict], settings: Settings) -> tuple[list[Sample], HybridRetriever]:
    assistant = open_assistant(settings.model_copy(update={"reranker": False}), index)
    ranker = FeatureReranker(np.zeros(len(FEATURES)), assistant.stats, depth=DEPTH)
    samples = []
    for q in questions:
        query = build_query(q["question"], q.get("history") or None, restore=assistant.restorer.restore)
        hits = assistant.retriever.candidates(query.dense, query.keyword, max(40, DEPTH), refs=query.refs)
        x = ranker.features(query, hits[:DEPTH])
        if "gold_doc_ids" in q:
            groups = [h.chunk.metadata.get("article_doc_id", "") for h in hits]
            gold = [g in q["gold_doc_ids"] for g in groups]
        else:
            groups = [h.chunk.id for h in hits]
            passages = [assistant.retriever.passage(h.index).text for h in hits]  # judged as shown
            gold = [any(is_hit(p, g["quote"]) for g in q["gold"]) for p in passages]
        samples.append(Sample(dataset, q["id"], x, np.array(gold), groups, hits))
    return samples, assistant.retriever


def fit(samples: list[Sample], dev_weight: int) -> np.ndarray:
    """Pairwise logistic regression weights (one per feature)."""
    rows, labels = [], []
    for s in samples:
        n = len(s.x)
        pos, neg = np.where(s.gold[:n])[0], np.where(~s.gold[:n])[0][:NEGATIVES]
        repeat = dev_weight if s.dataset == "mttq_dev" else 1
        for _ in range(repeat):
            for p in pos:
                for m in neg:
                    rows += [s.x[p] - s.x[m], s.x[m] - s.x[p]]
                    labels += [1, 0]
    model = LogisticRegression(C=C, fit_intercept=False, max_iter=5000)
    model.fit(np.array(rows), np.array(labels))
    return model.coef_[0]


def metrics(samples: list[Sample], retriever: HybridRetriever, weights: np.ndarray | None) -> dict[str, float]:
    """recall@1/@5 and MRR@10 after reranking (None: fused order) and the retriever's select step."""
    r1 = r5 = mrr = 0.0
    for s in samples:
        order = list(range(len(s.hits)))
        if weights is not None:
            head = np.argsort(-(s.x @ weights), kind="stable").tolist()
            order = head + order[len(s.x):]
        ranked = [s.hits[i] for i in order]
        label = {h.index: (g, grp) for h, g, grp in zip(s.hits, s.gold, s.groups)}
        seen: list[str] = []
        rank = None
        for hit in retriever.select(ranked, 30):
            is_gold, group = label[hit.index]
            if group in seen:
                continue
            seen.append(group)
            if is_gold:
                rank = len(seen)
                break
            if len(seen) == 10:
                break
        r1 += rank == 1
        r5 += rank is not None and rank <= 5
        mrr += 1 / rank if rank else 0.0
    n = len(samples) or 1
    return {"recall@1": round(r1 / n, 3), "recall@5": round(r5 / n, 3), "mrr@10": round(mrr / n, 3), "n": len(samples)}


def main() -> None:
    global DEPTH
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-index", type=Path, required=True, help="index of shared/corpus")
    parser.add_argument("--dev-questions", type=Path, default=SHARED / "eval" / "mttq_dev.jsonl")
    parser.add_argument("--alqac", action="append", default=[], help="SUBSET=INDEX_DIR (articles index)")
    parser.add_argument("--dev-weight", type=int, default=5)
    parser.add_argument("--depth", type=int, default=DEPTH, help="candidates re-scored")
    parser.add_argument("--out", type=Path, help="write the trained weights here")
    args = parser.parse_args()
    DEPTH = args.depth
    settings = Settings()
    data: dict[str, tuple[list[Sample], HybridRetriever]] = {}
    dev = [q for q in load_questions(args.dev_questions) if q.get("gold")]
    data["mttq_dev"] = collect("mttq_dev", args.dev_index, dev, settings)
    for spec in args.alqac:
        subset, _, directory = spec.partition("=")
        questions = alqac.load_questions(SHARED / "benchmarks" / "alqac" / "derived", subset)
        data[subset] = collect(subset, Path(directory), questions, settings)
    everything = [s for samples, _ in data.values() for s in samples]
    report: dict[str, dict] = {}
    for name, (samples, retriever) in data.items():
        others = [s for s in everything if s.dataset != name]
        folds = [samples[i::FOLDS] for i in range(FOLDS)]
        cv_hits = []
        for k, fold in enumerate(folds):
            held = {s.id for s in fold}
            w = fit([s for s in everything if s.id not in held], args.dev_weight)
            cv_hits.append((fold, w))
        cv = {key: 0.0 for key in ("recall@1", "recall@5", "mrr@10")}
        for fold, w in cv_hits:
            m = metrics(fold, retriever, w)
            for key in cv:
                cv[key] += m[key] * len(fold) / len(samples)
        report[name] = {"fused": metrics(samples, retriever, None),
                        "reranked_out_of_domain": metrics(samples, retriever, fit(others, args.dev_weight))
                        if others else None,
                        "reranked_cv5": {k: round(v, 3) for k, v in cv.items()}}
        print(name, json.dumps(report[name]), flush=True)
    weights = fit(everything, args.dev_weight)
    report["weights"] = dict(zip(FEATURES, np.round(weights, 4).tolist()))
    print("weights", report["weights"])
    results = Path(__file__).resolve().parent / "results" / "reranker.json"
    results.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.out:
        reranker = FeatureReranker(weights, stats=None, depth=DEPTH)  # type: ignore[arg-type]
        reranker.save(args.out, trained_on={k: len(v[0]) for k, v in data.items()},
                      dev_weight=args.dev_weight, c=C, negatives=NEGATIVES,
                      measured={k: v for k, v in report.items() if k != "weights"})


if __name__ == "__main__":
    main()
