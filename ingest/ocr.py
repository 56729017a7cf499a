"""OCR of PDF pages that have no text layer, with Tesseract (Vietnamese data) when installed.

Debian packages: ``tesseract-ocr``, ``tesseract-ocr-vie`` (OCR) and ``poppler-utils``
(``pdftoppm`` renders a page to an image). Without them scanned pages are reported,
never silently skipped.
"""
from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

_DPI = 300
_TIMEOUT_S = 120


@functools.lru_cache(maxsize=1)
def ocr_available() -> bool:
    """True when pdftoppm, tesseract and tesseract's Vietnamese data are all installed."""
    if not (shutil.which("tesseract") and shutil.which("pdftoppm")):
        return False
    try:
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "vie" in (langs.stdout + langs.stderr).split()


def ocr_page(pdf: Path, page_number: int) -> str:
    """Text of page ``page_number`` (1-based) of ``pdf`` read by Tesseract (``vie``).

    Raises:
        RuntimeError: the renderer or OCR failed or timed out.
    """
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "page"
        subprocess.run(["pdftoppm", "-f", str(page_number), "-l", str(page_number), "-r", str(_DPI), "-gray",
                        "-png", "-singlefile", str(pdf), str(prefix)], check=True, capture_output=True,
                       timeout=_TIMEOUT_S)
        result = subprocess.run(["tesseract", f"{prefix}.png", "stdout", "-l", "vie", "--psm", "3"],
                                check=True, capture_output=True, timeout=_TIMEOUT_S)
    return result.stdout.decode("utf-8", "replace")
