"""Bytes → str for text formats: UTF-8 first, then charset detection."""
from __future__ import annotations

from charset_normalizer import from_bytes

from ingest.errors import IngestError
from ingest.legacy import detect_and_convert, legacy_chars


def decode_bytes(data: bytes) -> str:
    """Decode ``data``: UTF-8 (with or without BOM); else legacy Vietnamese TCVN3/VNI
    bytes when they read as Vietnamese once converted; else the charset-normalizer guess.
    Text that is Unicode but spells VNI/TCVN3 ("Coäng hoøa") is converted too.

    Raises:
        IngestError: ``binary`` when the bytes do not look like text at all;
            ``unknown_encoding`` when no encoding fits.
    """
    return decode_with_encoding(data)[0]


def decode_with_encoding(data: bytes) -> tuple[str, str | None]:
    """Like :func:`decode_bytes`, also naming a legacy encoding that was converted (or None)."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("binary", "file looks binary (NUL bytes), not text")
    try:
        return detect_and_convert(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    converted, legacy = detect_and_convert(legacy_chars(data))
    if legacy:
        return converted, legacy
    best = from_bytes(data).best()
    if best is None:
        raise IngestError("unknown_encoding", "could not determine the text encoding")
    return str(best), None
