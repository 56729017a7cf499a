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
    assert "2 ok, 0 skipped, 1 failed" in result.stderr
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
