"""``bash scripts/run.sh``, the README's first command, run on a copy of the project."""
import hashlib
import os
import re
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from api.config import DEV_ADMIN_KEY
from tests.conftest import ROOT
from tests.fakes.openai_server import free_port


def _copy_project(dest: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_file():
            target.write_bytes((ROOT / name).read_bytes())
    (dest / ".venv").symlink_to(ROOT / ".venv")  # installed already: scripts/install.sh finds its stamp


def _serve(project: Path, cache_dir: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MTTQ_")}
    env["MTTQ_CACHE_DIR"] = str(cache_dir)
    out = open(log, "w")
    proc = subprocess.Popen(["bash", "scripts/run.sh", "--port", str(port)], cwd=project, env=env,
                            stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 600
    while True:
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail(f"run.sh did not serve: {log.read_text()[-2000:]}")
        time.sleep(0.5)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def test_run_script_generates_an_admin_key_once(tmp_path, cache_dir, sample_index):
    stamp = ROOT / ".venv" / ".installed[test]"
    fingerprint = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.is_file() or stamp.read_text().strip() != fingerprint:
        pytest.skip("the .venv is not installed from this pyproject.toml: run scripts/install.sh --test first")
    project = tmp_path / "project"
    _copy_project(project)
    (project / ".env").write_text("MTTQ_RATE_LIMIT_BURST=50")  # an operator's own setting, no newline
    proc, url = _serve(project, cache_dir, tmp_path / "first.log")
    try:
        printed = re.findall(r"admin API key .*: (\S+)", (tmp_path / "first.log").read_text())
        assert len(printed) == 1 and len(printed[0]) >= 32
        key = printed[0]
        env_file = (project / ".env").read_text().splitlines()
        assert env_file == ["MTTQ_RATE_LIMIT_BURST=50", f"MTTQ_ADMIN_API_KEYS={key}"]
        assert httpx.get(url + "/v1/documents", headers={"X-API-Key": key}).status_code == 200
        assert httpx.get(url + "/v1/documents", headers={"X-API-Key": DEV_ADMIN_KEY}).status_code == 401
    finally:
        _stop(proc)
    proc, url = _serve(project, cache_dir, tmp_path / "second.log")
    try:
        assert "admin API key" not in (tmp_path / "second.log").read_text()
        assert (project / ".env").read_text().count("MTTQ_ADMIN_API_KEYS=") == 1
        assert httpx.get(url + "/v1/documents", headers={"X-API-Key": key}).status_code == 200
    finally:
        _stop(proc)
