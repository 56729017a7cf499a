"""The block model's storage form: what chunks.jsonl (and any other store) keeps."""
from ingest.types import Block, Chunk


def test_chunk_round_trips_its_blocks_without_storing_their_text_twice():
    row = Block(kind="table_row", text="Thôn Bãi Sậy | 4", cells=["Thôn Bãi Sậy", "4"],
                header=["Thôn", "Số hộ nghèo"], group=0, index=7)
    item = Block(kind="list_item", text="a) Phiếu không theo mẫu;", label="a)", level=1, index=8, parent=5)
    chunk = Chunk("d:0", "Thôn Bãi Sậy | 4\na) Phiếu không theo mẫu;", ["Kế hoạch"], {"doc_id": "d"}, [row, item])
    stored = chunk.to_dict()
    assert all("text" not in b for b in stored["blocks"])
    assert stored["blocks"][0] == {"kind": "table_row", "cells": ["Thôn Bãi Sậy", "4"],
                                   "header": ["Thôn", "Số hộ nghèo"], "group": 0, "index": 7}
    back = Chunk.from_dict(stored)
    assert back.blocks == [row, item]


def test_a_chunk_stored_before_blocks_reads_its_lines_as_paragraphs():
    old = {"id": "d:1", "text": "Dòng một.\nDòng hai.", "heading_path": [], "metadata": {}}
    chunk = Chunk.from_dict(old)
    assert chunk.blocks == []
    assert [(t, b.kind) for t, b in chunk.lines()] == [("Dòng một.", "paragraph"), ("Dòng hai.", "paragraph")]
    # blocks that no longer line up with the text are dropped rather than misattributed
    assert Chunk.from_dict({**old, "blocks": [{"kind": "heading"}]}).blocks == []
