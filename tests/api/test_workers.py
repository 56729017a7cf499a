"""``mttq serve --workers 2``: two worker processes behind one port follow one index.

A document uploaded through one worker is ingested by that worker; both see it on their
next request, whether the index is the embedded directory (each worker notices the new
``CURRENT``) or PostgreSQL (one database).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fakes.openai_server import free_port

ADMIN = {"X-API-Key": "dev-admin-key"}
DOCUMENT = ("THÔNG BÁO\nLịch tiếp công dân của Ủy ban MTTQ xã Hòa Phong năm 2026\n"
            "Ủy ban Mặt trận Tổ quốc xã Hòa Phong tiếp công dân vào sáng thứ Năm hằng tuần "
            "tại hội trường Ủy ban nhân dân xã Hòa Phong.\n"
            "Người đến kiến nghị mang theo căn cước công dân.\n")
QUESTION = "Ủy ban MTTQ xã Hòa Phong tiếp công dân vào ngày nào trong tuần?"
NAME = "thong-bao-tiep-cong-dan-hoa-phong.txt"


def _serve(location: str, tmp_path: Path, cache_dir: Path, env_extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "MTTQ_DATA_DIR": str(tmp_path / "data"), "MTTQ_CACHE_DIR": str(cache_dir),
           "MTTQ_RATE_LIMIT_PER_MINUTE": "1000", "MTTQ_RATE_LIMIT_BURST": "100", "MTTQ_ENVIRONMENT": "test",
           **env_extra}
    if "MTTQ_DATABASE_URL" not in env_extra:
        env.pop("MTTQ_DATABASE_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--index", location, "--workers", "2",
                                "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=open(tmp_path / "serve.log", "wb"))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"mttq serve exited: {(tmp_path / 'serve.log').read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    process.kill()
    raise AssertionError("mttq serve did not come up in 180 s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _ask(base: str) -> dict:
    # a new connection per question: the kernel hands connections to either worker
    with httpx.Client(timeout=60) as client:
        res = client.post(f"{base}/v1/chat", json={"question": QUESTION})
    assert res.status_code == 200, res.text
    return res.json()


def _upload_and_ask(base: str) -> None:
    before = [_ask(base) for _ in range(4)]  # both workers warm, neither knows the document yet
    assert not any(c["source"] == NAME for a in before for c in a["citations"])
    res = httpx.post(f"{base}/v1/documents", files={"file": (NAME, DOCUMENT.encode("utf-8"), "text/plain")},
                     headers=ADMIN, timeout=60)
    assert res.status_code == 202, res.text
    job_id = res.json()["id"]
    deadline = time.monotonic() + 120
    while True:  # polled on either worker: the job's state is shared
        job = httpx.get(f"{base}/v1/documents/{job_id}", headers=ADMIN, timeout=30).json()["upload"]
        if job["status"] not in ("queued", "processing"):
            break
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert job["status"] == "ok", job
    answers = [_ask(base) for _ in range(20)]
    cited = [any(c["source"] == NAME for c in a["citations"]) for a in answers]
    assert all(cited), [a["answer"][:80] for a in answers]
    assert all("thứ Năm" in a["answer"] for a in answers)
    # metrics are the service's, whichever worker is asked: all 24 questions counted
    for _ in range(3):
        text = httpx.get(f"{base}/metrics", timeout=30).text
        counted = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                      if line.startswith("mttq_requests_total{") and 'route="/v1/chat"' in line)
        assert counted == 24, counted


def test_two_workers_see_an_upload_on_the_embedded_index(sample_index, tmp_path, cache_dir):
    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    process, base = _serve(str(index), tmp_path, cache_dir, {})
    try:
        _upload_and_ask(base)
    finally:
        _stop(process)
    assert (tmp_path / "serve.log").read_text(errors="replace").count("Started server process") == 2


def test_two_workers_see_an_upload_in_postgresql(sample_index, pg_url, tmp_path, cache_dir):
    from vectorstore.transfer import copy_index

    copy_index(sample_index, pg_url).close()
    process, base = _serve(pg_url, tmp_path, cache_dir, {"MTTQ_DATABASE_URL": pg_url})
    try:
        _upload_and_ask(base)
    finally:
        _stop(process)
