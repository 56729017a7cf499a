"""Metadata of Vietnamese official documents: số hiệu, ngày ban hành, loại văn bản, cơ quan.

The patterns follow the presentation rules of Nghị định 30/2020/NĐ-CP (Phụ lục I):
the issuer top-left, "Số: …/…" under it, "<place>, ngày … tháng … năm …" top-right,
then the document type in capitals and the trích yếu below it.
"""
from __future__ import annotations

import re
from datetime import date

from ingest.normalize import looks_like_syllable

# số hiệu: number, optional year, then the type/issuer code, e.g. 291/UBND-NN&TNMT,
# 102/2025/NQLT-UBTVQH15-CP-ĐCTUBTWMTTQVN, 16/KH-MTTQ-BTT, 0124/KH-UBND
SO_HIEU = re.compile(
    r"(?<![\w/])(\d{1,5}(?:/\d{4})?/[A-ZĐ][A-ZĐ0-9]*(?:[-&.][A-ZĐ0-9]+)*)(?![\w/])"
)
_SO_LINE = re.compile(r"\bSố(?:\s*(?:hiệu|ký hiệu))?\s*:\s*(\S+)", re.IGNORECASE)
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)")

DOC_TYPES = {
    "HIẾN PHÁP": "Hiến pháp", "BỘ LUẬT": "Luật", "LUẬT": "Luật", "PHÁP LỆNH": "Pháp lệnh",
    "NGHỊ QUYẾT LIÊN TỊCH": "Nghị quyết liên tịch", "NGHỊ QUYẾT": "Nghị quyết",
    "NGHỊ ĐỊNH": "Nghị định", "QUYẾT ĐỊNH": "Quyết định", "THÔNG TƯ LIÊN TỊCH": "Thông tư liên tịch",
    "THÔNG TƯ": "Thông tư", "CHỈ THỊ": "Chỉ thị", "KẾ HOẠCH": "Kế hoạch", "HƯỚNG DẪN": "Hướng dẫn",
    "BÁO CÁO": "Báo cáo", "CÔNG VĂN": "Công văn", "THÔNG BÁO": "Thông báo", "KẾT LUẬN": "Kết luận",
    "QUY ĐỊNH": "Quy định", "QUY CHẾ": "Quy chế", "CHƯƠNG TRÌNH": "Chương trình", "TỜ TRÌNH": "Tờ trình",
    "BIÊN BẢN": "Biên bản",
}
_TYPE_LINE = re.compile(r"^(" + "|".join(sorted(DOC_TYPES, key=len, reverse=True)) + r")\b(.*)$")
_ISSUER_HINT = re.compile(r"^(ỦY BAN|UỶ BAN|UBND|HỘI ĐỒNG|BỘ |BAN |MẶT TRẬN|QUỐC HỘI|CHÍNH PHỦ|"
                          r"THỦ TƯỚNG|TỈNH ỦY|ĐẢNG ỦY|VĂN PHÒNG|BAN THƯỜNG TRỰC|ĐOÀN CHỦ TỊCH)")
_HEADER_LINES = 40
_DATE_LINES = 8
_SECTION_START = re.compile(r"^([IVX]{1,5}\.\s|(Chương|CHƯƠNG|Điều|ĐIỀU|Phần|PHẦN|Mục|MỤC)\s+[\dIVXLC])")
_BODY_START = re.compile(r"^(Căn cứ|Thực hiện|Để|Nhằm|Theo|Trong|Qua|Ngày)\b")


def _iso(day: str, month: str, year: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def find_so_hieu(text: str) -> str | None:
    """The số hiệu declared by a "Số: …" line (``Số: 16/KH-MTTQ-BTT`` → ``16/KH-MTTQ-BTT``).

    Numbers merely mentioned in the text are other documents', so only the
    declaration counts. Returns None when there is none.
    """
    for m in _SO_LINE.finditer(text):
        cand = SO_HIEU.match(m.group(1).strip(".,;"))
        if cand:
            return cand.group(1)
    return None


def find_date(text: str) -> str | None:
    """The issue date in ``text`` as ISO ``YYYY-MM-DD``, or None.

    Only a date line counts: a short line (≤ 15 words) such as "Thứ ba - 12/10/2021"
    or a place-and-date line "Hà Nội, ngày 26 tháng 9 năm 2025"; a date inside a
    sentence of the body is an event's date, not the document's.
    """
    for line in text.split("\n"):
        for part in line.split("|"):
            short = len(part.split()) <= 15
            for pattern in (_DATE_WORDS, _DATE_NUMERIC):
                for m in pattern.finditer(part):
                    placed = part[:m.start()].rstrip().endswith(",") or part[:m.start()].strip() == ""
                    if not (short or placed):
                        continue
                    iso = _iso(*m.groups())
                    if iso:
                        return iso
    return None


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def find_type_and_title(paragraphs: list[str]) -> tuple[str | None, str | None]:
    """Find the capitalised document-type line and the trích yếu after it.

    Returns:
        ``(doc_type, title)``, e.g. ``("Kế hoạch", "Kế hoạch phát động đợt thi đua …")``;
        ``(None, None)`` when the header has no such line.
    """
    for i, para in enumerate(paragraphs[:_HEADER_LINES]):
        m = _TYPE_LINE.match(para.strip())
        if not m or not _is_caps(m.group(1)) or len(para) > 200:
            continue
        rest = m.group(2).strip(" :")
        doc_type = DOC_TYPES[m.group(1)]
        if rest and not _is_caps(rest[:40]):
            continue  # "Luật này quy định …" is a sentence, not a header
        parts = [rest] if rest else []
        for k, nxt in enumerate(paragraphs[i + 1:i + 4]):
            if _SECTION_START.match(nxt):
                break
            if _is_caps(nxt) and len(nxt) < 400 and not nxt.upper().startswith("CĂN CỨ"):
                parts.append(nxt)
            elif (k == 0 and not parts and len(nxt) < 250 and not nxt.endswith(".")
                  and not _BODY_START.match(nxt)):
                parts.append(nxt)  # trích yếu typed in sentence case
                break
            else:
                break
        subject = " ".join(p for p in parts if p).strip()
        if _ISSUER_HINT.match(subject):  # e.g. "ỦY BAN THƯỜNG VỤ QUỐC HỘI" after the title block
            subject = ""
        title = doc_type + (" " + sentence_case(subject, paragraphs) if subject else "")
        return doc_type, title
    return None, None


def sentence_case(caps: str, paragraphs: list[str]) -> str:
    """Lower-case a capitalised trích yếu, keeping proper nouns capitalised.

    A word keeps its capital when the document's body writes it capitalised
    mid-sentence more often than in lower case ("XÃ AN BÌNH" → "xã An Bình");
    all-capital abbreviations (MTTQ, HĐND, XVI) are kept as they are.
    """
    capital: dict[str, int] = {}
    lower: dict[str, int] = {}
    for para in paragraphs:
        if _is_caps(para):
            continue
        words = para.split()
        for prev, word in zip(words, words[1:]):
            token = word.strip(".,;:()\"“”")
            if not token or prev.endswith((".", ":", "?", "!")):
                continue
            if token[0].isupper() and token[1:].islower():
                capital[token.lower()] = capital.get(token.lower(), 0) + 1
            elif token.islower():
                lower[token] = lower.get(token, 0) + 1
    out = []
    for word in caps.split():
        core = word.strip(".,;:()\"“”-")
        low = word.lower()
        if core and core.isupper() and (not looks_like_syllable(core) or re.fullmatch(r"[IVXLC]+", core)):
            out.append(word)  # abbreviation or Roman numeral: MTTQ, HĐND, XVI
        elif core and capital.get(core.lower(), 0) > lower.get(core.lower(), 0):
            out.append(low.replace(core.lower(), core[:1] + core[1:].lower()))
        else:
            out.append(low)
    text = " ".join(out)
    return text


def find_issuer(paragraphs: list[str]) -> str | None:
    """The issuing body from the top-left header block (capitals before "CỘNG HÒA…")."""
    for para in paragraphs[:8]:
        head = re.split(r"\||\bSố\s*:", para)[0].strip(" -")
        if _ISSUER_HINT.match(head) and _is_caps(head):
            return head if len(head) < 120 else None
    return None


def type_from_title(title: str) -> str | None:
    """The document type a title starts with, for documents without a capitalised type
    line (Markdown or web copies): "Luật Cư trú" → "Luật", "Bộ luật dân sự" → "Luật",
    "Nghị định 12/2024/NĐ-CP …" → "Nghị định". The word after the type must be a name or
    a number ("Luật sư …" is not a law); None otherwise."""
    words = title.split()
    for name in sorted(DOC_TYPES, key=len, reverse=True):
        n = len(name.split())
        if [w.upper() for w in words[:n]] != name.split():
            continue
        nxt = words[n] if len(words) > n else ""
        named = nxt[:1].isupper() and not title.isupper()  # in a title in capitals every word is
        if name in ("BỘ LUẬT", "HIẾN PHÁP") or named or nxt[:1].isdigit() or nxt.lower() == "số":
            return DOC_TYPES[name]
        return None
    return None


def extract_metadata(paragraphs: list[str], declared_title: str = "") -> dict[str, str]:
    """All header metadata found in the first paragraphs of a document.

    Args:
        paragraphs: the document's normalised paragraphs.
        declared_title: a title the file format declared (may carry the số hiệu,
            e.g. "Thông tư 60/2026/TT-BTC - Hướng dẫn …").
    Returns a dict with any of ``so_hieu``, ``date``, ``doc_type``, ``title``, ``issuer``.
    """
    header = "\n".join(paragraphs[:_HEADER_LINES])
    found: dict[str, str] = {}
    so_hieu = find_so_hieu(header)
    if not so_hieu and declared_title:
        m = SO_HIEU.search(declared_title)
        so_hieu = m.group(1) if m else None
    if so_hieu:
        found["so_hieu"] = so_hieu
    issued = find_date("\n".join(paragraphs[:_DATE_LINES]))
    if issued:
        found["date"] = issued
    doc_type, title = find_type_and_title(paragraphs)
    doc_type = doc_type or type_from_title(declared_title)
    if doc_type:
        found["doc_type"] = doc_type
    if title:
        found["title"] = title
    issuer = find_issuer(paragraphs)
    if issuer:
        found["issuer"] = issuer
    return found
