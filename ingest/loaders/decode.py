"""Bytes → str for text formats: UTF-8 first, then charset detection."""
from __future__ import annotations

from charset_normalizer import from_bytes

from ingest.errors import IngestError


def decode_bytes(data: bytes) -> str:
    """Decode ``data``: UTF-8 (with or without BOM), else the charset-normalizer guess.

    Raises:
        IngestError: ``binary`` when the bytes do not look like text at all.
    """
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("binary", "file looks binary (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise IngestError("unknown_encoding", "could not determine the text encoding")
    return str(best)
