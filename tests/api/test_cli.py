"""The ``mttq`` console script, run as a user would (subprocess)."""
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLES


def _mttq(*args, cache_dir: Path, check=True):
    env = dict(os.environ, MTTQ_CACHE_DIR=str(cache_dir), COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "api.cli", *args], capture_output=True, text=True,
                          env=env, check=check, timeout=600)


def test_ingest_then_ask_json(tmp_path, cache_dir):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("huong-dan-giam-sat-cong-dong-an-binh.pdf", "tin-ngay-hoi-dai-doan-ket-thon-dong.html"):
        (corpus / name).write_bytes((SAMPLES / name).read_bytes())
    (corpus / "hong.pdf").write_bytes(b"%PDF-1.4 not really")
    index = tmp_path / "index"
    result = _mttq("ingest", str(corpus), "--index", str(index), cache_dir=cache_dir)
    assert "2 ok, 0 skipped (0 unchanged), 1 failed" in result.stderr
    assert "hong.pdf" in result.stderr and "corrupt" in result.stderr

    asked = _mttq("ask", "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là bao lâu?",
                  "--index", str(index), "--json", cache_dir=cache_dir)
    body = json.loads(asked.stdout)
    assert "30 tháng" in body["answer"] and body["refused"] is False
    assert body["citations"][0]["source"].endswith("huong-dan-giam-sat-cong-dong-an-binh.pdf")


def test_ask_without_index_is_a_clear_error(tmp_path, cache_dir):
    result = _mttq("ask", "câu hỏi", "--index", str(tmp_path / "none"), cache_dir=cache_dir, check=False)
    assert result.returncode == 1
    assert "no index" in result.stderr and "mttq ingest" in result.stderr


def test_ingest_is_incremental_and_prunes(tmp_path, cache_dir):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("huong-dan-giam-sat-cong-dong-an-binh.pdf", "hoi-dap-xa-nong-thon-moi-kieu-mau.txt"):
        (corpus / name).write_bytes((SAMPLES / name).read_bytes())
    index = tmp_path / "index"
    _mttq("ingest", str(corpus), "--index", str(index), cache_dir=cache_dir)
    again = _mttq("ingest", str(corpus), "--index", str(index), cache_dir=cache_dir)
    assert "nothing changed" in again.stderr and "(2 unchanged)" in again.stderr
    (corpus / "hoi-dap-xa-nong-thon-moi-kieu-mau.txt").write_text(
        "Hỏi đáp nông thôn mới\nXã An Bình được công nhận đạt chuẩn nông thôn mới nâng cao ngày 01/01/2024.",
        encoding="utf-8")
    (corpus / "huong-dan-giam-sat-cong-dong-an-binh.pdf").unlink()
    changed = _mttq("ingest", str(corpus), "--index", str(index), "--prune", cache_dir=cache_dir)
    assert "1 ok" in changed.stderr
    from vectorstore.store import IndexStore

    sources = {c.metadata["file_name"] for c in IndexStore.load(index).chunks}
    assert sources == {"hoi-dap-xa-nong-thon-moi-kieu-mau.txt"}
    assert any("01/01/2024" in c.text for c in IndexStore.load(index).chunks)


def test_ingest_ask_export_and_import_with_postgresql(tmp_path, cache_dir, pg_url):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("huong-dan-giam-sat-cong-dong-an-binh.pdf", "ke-hoach-ntm-an-binh-2025.docx"):
        (corpus / name).write_bytes((SAMPLES / name).read_bytes())
    question = "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là bao lâu?"
    result = _mttq("ingest", str(corpus), "--index", pg_url, cache_dir=cache_dir)
    assert "2 ok" in result.stderr and "generation" in result.stderr
    again = _mttq("ingest", str(corpus), "--index", pg_url, cache_dir=cache_dir)
    assert "2 unchanged" in again.stderr and "up to date" in again.stderr  # incremental on a database too
    body = json.loads(_mttq("ask", question, "--index", pg_url, "--json", cache_dir=cache_dir).stdout)
    assert "30 tháng" in body["answer"] and body["citations"][0]["source"].endswith(".pdf")

    exported = tmp_path / "exported"
    result = _mttq("index", "export", str(exported), "--from", pg_url, cache_dir=cache_dir)
    assert "9 chunks, 2 documents" in result.stderr and (exported / "CURRENT").is_file()
    from_dir = json.loads(_mttq("ask", question, "--index", str(exported), "--json", cache_dir=cache_dir).stdout)
    assert from_dir["answer"] == body["answer"]
    refused = _mttq("index", "import", str(exported), "--to", pg_url, cache_dir=cache_dir, check=False)
    assert refused.returncode == 1 and "--replace" in refused.stderr
    _mttq("index", "import", str(exported), "--to", pg_url, "--replace", cache_dir=cache_dir)
    assert json.loads(_mttq("ask", question, "--index", pg_url, "--json", cache_dir=cache_dir).stdout)["answer"] \
        == body["answer"]
