"""The package as users install it: the wheel built, installed into a fresh virtual
environment, and `mttq ingest` + `mttq ask` run from outside the source tree.

The fresh environment gets this project's wheel only; its dependencies are read from the
test environment's site-packages (a path entry, so that environment's own .pth files, the
editable install of this project among them, are not processed): offline and quick.
"""
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES

pytestmark = pytest.mark.packaging
PACKAGES = ("api", "assistant", "ingest", "vectorstore")
QUESTION = "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là bao lâu?"


def _run(*args, **kwargs):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=900, check=True, **kwargs)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the sources (the build leaves nothing in the tree)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", dist, src)
    return next(dist.glob("hoi_dap_mat_tran-*.whl"))


def test_wheel_holds_every_data_file_of_the_packages(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    data = {str(path.relative_to(ROOT)) for package in PACKAGES for path in (ROOT / package).rglob("*")
            if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts}
    assert {"assistant/data/reranker.json", "api/static/widget.js", "api/static/favicon.ico"} <= data
    assert data - names == set()


def test_installed_wheel_ingests_and_answers_outside_the_source_tree(wheel, tmp_path, cache_dir):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    _run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel)
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site / "test-environment-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    work = tmp_path / "elsewhere"
    shutil.copytree(SAMPLES, work / "samples")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MTTQ_", "PYTHON"))}
    env.update(MTTQ_CACHE_DIR=str(cache_dir), COLUMNS="200")
    where = _run(python, "-c", "import api, assistant; print(api.__file__); print(assistant.__file__)", cwd=work,
                 env=env).stdout.split()
    assert all(path.startswith(str(site)) for path in where), where  # the wheel's code, not the source tree's
    mttq = venv / "bin" / "mttq"
    ingested = _run(mttq, "ingest", "samples", "--index", "index", cwd=work, env=env)
    assert "5 ok" in ingested.stderr and "0 failed" in ingested.stderr
    for reranker in ("false", "true"):  # true reads the reranker weights shipped in the package
        answer = json.loads(_run(mttq, "ask", QUESTION, "--index", "index", "--json", cwd=work,
                                 env={**env, "MTTQ_RERANKER": reranker}).stdout)
        assert "30 tháng" in answer["answer"] and not answer["refused"]
