"""The ALQAC legal retrieval benchmark (``shared/benchmarks/alqac/derived``) as chunks and questions.

Each law article becomes a document titled with its law, whose first line (the
article's name) becomes "Điều N. <name>"; it is chunked like any other document.
A question's gold is a set of article ids; a hit is a chunk of a gold article.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from ingest.chunking import TokenCounter, chunk_document, document_id
from ingest.normalize import normalize_text
from ingest.types import Chunk, Document


def _rows(path: Path, subset: str) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                if row["subset"] == subset:
                    yield row


def article_document(row: dict[str, Any]) -> Document:
    """One article as a :class:`Document`; ``metadata["article_doc_id"]`` keeps the benchmark's id."""
    text = normalize_text(row["text"])
    first, _, rest = text.partition("\n")
    heading = f"Điều {row['article_id']}. {first}"
    body = f"{heading}\n{rest}" if rest else heading
    metadata = {"title": row["law_id"], "source": f"alqac:{row['doc_id']}", "format": "alqac",
                "doc_type": "Luật", "article_doc_id": row["doc_id"]}
    return Document(text=body, metadata=metadata)


def load_chunks(derived: Path, subset: str, count_tokens: TokenCounter, max_tokens: int) -> list[Chunk]:
    """All articles of ``subset`` chunked for an index."""
    chunks: list[Chunk] = []
    for row in _rows(derived / "corpus.jsonl", subset):
        doc = article_document(row)
        chunks.extend(chunk_document(doc, doc_id=document_id(row["doc_id"], doc.text), max_tokens=max_tokens,
                                     count_tokens=count_tokens))
    return chunks


def load_questions(derived: Path, subset: str) -> list[dict[str, Any]]:
    """The subset's labelled questions: ``{"id", "question", "gold_doc_ids", "kind"}``."""
    return [{"id": r["query_id"], "question": r["text"], "gold_doc_ids": r["gold_doc_ids"],
             "kind": r.get("question_type") or "alqac"} for r in _rows(derived / "queries.jsonl", subset)]


def rank_of_gold(hit_doc_ids: list[str], gold: list[str]) -> int | None:
    """1-based rank of the first hit from a gold article, or None."""
    return next((i for i, d in enumerate(hit_doc_ids, 1) if d in gold), None)
