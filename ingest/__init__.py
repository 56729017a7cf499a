"""Ingestion: files → normalised :class:`Document` → structure-aware :class:`Chunk`."""
from ingest.types import Chunk, Document, FileStatus
from ingest.errors import IngestError

__all__ = ["Chunk", "Document", "FileStatus", "IngestError"]
