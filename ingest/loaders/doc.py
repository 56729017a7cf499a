"""Legacy Word ``.doc`` through antiword, with catdoc as the fallback converter."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ingest.errors import IngestError
from ingest.loaders import Loaded
from ingest.loaders.text import join_wrapped_lines

_TIMEOUT_S = 120


def _run(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, timeout=_TIMEOUT_S, check=False)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise IngestError("corrupt", f"{cmd[0]} could not read the file: "
                          f"{proc.stderr.decode('utf-8', 'replace').strip()[:200]}")
    return proc.stdout.decode("utf-8", "replace")


def load(path: Path) -> Loaded:
    """Convert a Word 97-2003 file to text.

    ``antiword -w 0 -m UTF-8.txt`` keeps one paragraph per line; ``catdoc`` is tried when
    antiword is missing or fails.

    Raises:
        IngestError: ``converter_missing`` when neither antiword nor catdoc is
            installed (Debian packages ``antiword``/``catdoc``), ``corrupt`` when both fail.
    """
    commands = []
    if shutil.which("antiword"):
        commands.append(["antiword", "-w", "0", "-m", "UTF-8.txt", str(path)])
    if shutil.which("catdoc"):
        commands.append(["catdoc", "-w", "-d", "utf-8", str(path)])
    if not commands:
        raise IngestError("converter_missing",
                          "no .doc converter found: install the Debian package 'antiword' (or 'catdoc')")
    last: IngestError | None = None
    for cmd in commands:
        try:
            text = _run(cmd)
            break
        except (IngestError, subprocess.TimeoutExpired) as exc:
            last = exc if isinstance(exc, IngestError) else IngestError("timeout", f"{cmd[0]} timed out")
    else:
        assert last is not None
        raise last
    # antiword marks images and table cells with these; they carry no text
    text = text.replace("[pic]", " ").replace("|", " | ")
    lines = [line.strip(" |") for line in text.splitlines()]
    return Loaded.from_paragraphs(join_wrapped_lines(lines))
