"""Metadata of Vietnamese official documents: số hiệu, ngày ban hành, loại văn bản, cơ quan.

The patterns follow the presentation rules of Nghị định 30/2020/NĐ-CP (Phụ lục I):
the issuer top-left, "Số: …/…" under it, "<place>, ngày … tháng … năm …" top-right,
then the document type in capitals and the trích yếu below it.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from ingest.gazetteer import capitalise_names, known_names
from ingest.normalize import looks_like_syllable
from ingest.structure import read_tsv

# số hiệu: number, optional year, then the type/issuer code, e.g. 291/UBND-NN&TNMT,
# 102/2025/NQLT-UBTVQH15-CP-ĐCTUBTWMTTQVN, 16/KH-MTTQ-BTT, 0124/KH-UBND
SO_HIEU = re.compile(
    r"(?<![\w/])(\d{1,5}(?:/\d{4})?/[A-ZĐ][A-ZĐ0-9]*(?:[-&.][A-ZĐ0-9]+)*)(?![\w/])"
)
_SO_LINE = re.compile(r"\bSố(?:\s*(?:hiệu|ký hiệu))?\s*:\s*(\S+)", re.IGNORECASE)
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)")

# document types in capitals → their name (ingest/data/doc_types.tsv)
DOC_TYPES = {row["caps"]: row["name"] for row in read_tsv("doc_types.tsv")}
_TYPE_LINE = re.compile(r"^(" + "|".join(sorted(DOC_TYPES, key=len, reverse=True)) + r")\b(.*)$")
_ISSUER_HINT = re.compile(r"^(ỦY BAN|UỶ BAN|UBND|HỘI ĐỒNG|BỘ |BAN |MẶT TRẬN|QUỐC HỘI|CHÍNH PHỦ|"
                          r"THỦ TƯỚNG|TỈNH ỦY|ĐẢNG ỦY|VĂN PHÒNG|BAN THƯỜNG TRỰC|ĐOÀN CHỦ TỊCH)")
_HEADER_LINES = 40
_DATE_LINES = 8
_SECTION_START = re.compile(r"^(LỜI NÓI ĐẦU|LỜI MỞ ĐẦU|[IVX]{1,5}\.\s|(Chương|CHƯƠNG|Điều|ĐIỀU|Phần|PHẦN|Mục|MỤC)\s+[\dIVXLC])")
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


# "<địa danh>, ngày … tháng … năm …" (Nghị định 30/2020/NĐ-CP, Phụ lục I: địa danh và thời gian
# ban hành văn bản); the place is a name (capitalised words, no digits), not "Căn cứ …"
_SIGNING = re.compile(r"^\s*([A-ZĐÀ-Ỹ][^\d,:;|()]{1,40}?),\s*(?:[Nn]gày\s+\d|\d{1,2}[/.]\d)")
# the same line run together with the motto or "Số: …" in one table cell: the place is the
# capitalised words (and unit nouns) right before the comma
_PLACE_IN_CELL = re.compile(r"(?:^|(?<=\s))([A-ZĐÀ-Ỹ][\wÀ-ỹ.]*(?:\s+(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ.]*|phố|xã|trấn|tỉnh|huyện)){0,5}),"
                            r"\s*(?:[Nn]gày\s+\d|\d{1,2}[/.]\d{1,2}[/.]\d{4})")
_HEADER_CELL = re.compile(r"Hạnh\s+phúc|\bSố\s*:", re.IGNORECASE)
_NOT_A_PLACE = re.compile(r"^(căn cứ|thực hiện|theo|ngày|hôm nay|vào|sáng|chiều|tối|trước|sau|từ|đến)\b", re.IGNORECASE)
_ISSUE_FIELD = re.compile(r"^\s*ngày\s+ban\s+hành\b", re.IGNORECASE)
_TIME_OR_WEEKDAY = re.compile(r"(\d{1,2}[:h]\d{2}|\bngày\b|\bthứ\s+(hai|ba|tư|năm|sáu|bảy)\b|\bchủ\s+nhật\b|\b(gmt|sa|ch)\b"
                              r"|\+\d{2}:?\d{2}|[-–,|])", re.IGNORECASE)
_END_LINES = 20


def _first_date(text: str) -> str | None:
    for pattern in (_DATE_WORDS, _DATE_NUMERIC):
        for m in pattern.finditer(text):
            iso = _iso(*m.groups())
            if iso:
                return iso
    return None


def _parts(lines: list[str]) -> list[str]:
    return [part.strip() for line in lines for part in line.split("|") if part.strip()]


def signing_date(line: str) -> str | None:
    """The date of a place-and-date line ("Đông Vân Sơn, ngày 06 tháng 3 năm 2026"), also when
    it shares a table cell with the national motto or "Số: …"; None otherwise."""
    m = _SIGNING.match(line)
    if m and not _NOT_A_PLACE.match(m.group(1)) and len(m.group(1).split()) <= 6:
        return _first_date(line[m.end(1):])
    if _HEADER_CELL.search(line):
        for m in _PLACE_IN_CELL.finditer(line):
            if not _NOT_A_PLACE.match(m.group(1)) and (found := _first_date(line[m.end(1):m.end(1) + 40])):
                return found
    return None


def _date_only(line: str) -> str | None:
    """The date of a dateline that holds nothing else ("Thứ Ba, 18/11/2025 08:30")."""
    found = _first_date(line)
    if not found:
        return None
    rest = _TIME_OR_WEEKDAY.sub(" ", _DATE_NUMERIC.sub(" ", _DATE_WORDS.sub(" ", line)))
    return found if len(re.findall(r"\w+", rest)) == 0 else None


def find_date(text: str) -> str | None:
    """The issue date in ``text`` (the document's lines) as ISO ``YYYY-MM-DD``, or None.

    In order: the signing line "<địa danh>, ngày … tháng … năm …" in the header (first 40
    lines; in a table row, any cell); a "Ngày ban hành: …" field; a signing line among the
    last 20 lines (notices signed at the end); a dateline holding only a date (with a
    weekday or time) among the first 8 lines. A date inside a sentence — an event's, or a
    cited document's in a "Căn cứ …" line — never is the document's.
    """
    lines = [line for line in text.split("\n") if line.strip()]
    head = _parts(lines[:_HEADER_LINES])
    for part in head:
        if found := signing_date(part):
            return found
    for k, part in enumerate(head):
        if _ISSUE_FIELD.match(part):
            after = part[_ISSUE_FIELD.match(part).end():] + " " + (head[k + 1] if k + 1 < len(head) else "")
            if found := _first_date(after):
                return found
    for part in _parts(lines[-_END_LINES:]):
        if found := signing_date(part):
            return found
    for part in _parts(lines[:_DATE_LINES]):
        if found := _date_only(part):
            return found
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
        para = para.rsplit("|", 1)[-1].strip()  # (the type line may end a row of the header table)
        m = _TYPE_LINE.match(para)
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
            if _is_caps(nxt) and len(nxt) < 600 and not nxt.upper().startswith("CĂN CỨ"):
                parts.append(nxt)
            elif (k == 0 and not parts and len(nxt) < 250 and not nxt.endswith((".", ":"))
                  and (not _BODY_START.match(nxt) or "," not in nxt)):
                # trích yếu typed in sentence case; one opening like a body sentence ("Thực hiện
                # Cuộc vận động … năm 2026") is a trích yếu when it is one clause, no comma
                parts.append(nxt)
                break
            else:
                break
        subject = " ".join(p for p in parts if p).strip()
        if _ISSUER_HINT.match(subject):  # e.g. "ỦY BAN THƯỜNG VỤ QUỐC HỘI" after the title block
            subject = ""
        title = doc_type + (" " + sentence_case(subject, paragraphs) if subject else "")
        return doc_type, title
    return None, None


def _mid_sentence_case(paragraphs: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """How often each word is written capitalised / in lower case inside a sentence (not
    first in a sentence, a table cell or brackets) in the document's mixed-case lines."""
    capital: dict[str, int] = {}
    lower: dict[str, int] = {}
    for para in paragraphs:
        if _is_caps(para):
            continue
        words = para.split()
        for prev, word in zip(words, words[1:]):
            token = word.strip(".,;:()\"“”")
            if not token or prev.endswith((".", ":", "?", "!", "|", "(", "-", "–")) or word[:1] in "(\"“":
                continue
            if token[0].isupper() and token[1:].islower():
                capital[token.lower()] = capital.get(token.lower(), 0) + 1
            elif token.islower():
                lower[token] = lower.get(token, 0) + 1
    return capital, lower


def _is_abbreviation(core: str) -> bool:
    return bool(core) and core.isupper() and (not looks_like_syllable(core) or bool(re.fullmatch(r"[IVXLC]+", core)))


def sentence_case(caps: str, paragraphs: list[str]) -> str:
    """Lower-case a capitalised trích yếu, keeping proper nouns capitalised.

    Kept as they are: abbreviations and Roman numerals (MTTQ, HĐND, XVI). Capitalised:
    names of the gazetteer (``ingest/gazetteer.py``: provinces, institutions), the syllables
    of a place name after its category noun ("XÃ TÂN LẬP" → "xã Tân Lập"), a document type
    cited by number ("nghị quyết số 10/2022/…" → "Nghị quyết số 10/2022/…"), and a word the
    document's own text writes capitalised mid-sentence more often than in lower case.
    A trích yếu typed in sentence case keeps its casing; only its first letter is lowered.
    """
    tokens = caps.split()
    if not tokens:
        return caps
    if not _is_caps(caps):
        first = tokens[0].strip(".,;:()\"“”")
        named = any(tuple(w.lower() for w in n) == tuple(t.lower() for t in tokens[:len(n)]) for n in known_names())
        if not named and not _is_abbreviation(first) and first[1:].islower():
            tokens[0] = tokens[0][:1].lower() + tokens[0][1:]
        return " ".join(tokens)
    capital, lower = _mid_sentence_case(paragraphs)
    keep = [_is_abbreviation(t.strip(".,;:()\"“”-")) for t in tokens]
    out = [t if k else t.lower() for t, k in zip(tokens, keep)]
    out = capitalise_names(out, keep, common=lambda w: lower.get(w, 0) > capital.get(w, 0))
    types = sorted({tuple(name.lower().split()) for name in DOC_TYPES.values()}, key=len, reverse=True)
    i = 0
    while i < len(out):
        core = out[i].strip(".,;:()\"“”-")
        if keep[i] or not core:
            i += 1
            continue
        lowered = [t.strip(".,;:()\"“”").lower() for t in out[i:i + 3]]
        kind = next((t for t in types if tuple(lowered[:len(t)]) == t), None)
        if kind and _cites_number(out[i + len(kind):i + len(kind) + 3]):
            out[i] = out[i].replace(core, core[:1].upper() + core[1:], 1)
            i += len(kind)
            continue
        if capital.get(core.lower(), 0) > lower.get(core.lower(), 0):
            out[i] = out[i].replace(core, core[:1].upper() + core[1:].lower(), 1)
        i += 1
    return " ".join(out)


def _cites_number(following: list[str]) -> bool:
    """"số 10/2022/…" or "10/2022/…" follows: a document cited by its number."""
    words = [w.lower() for w in following]
    return bool(words) and (words[0] == "số" or bool(SO_HIEU.match(words[0].upper())))


def is_issuer_line(line: str) -> bool:
    """True for the issuer's name in the header block ("ỦY BAN NHÂN DÂN XÃ TÂN LẬP")."""
    head = re.split(r"\||\bSố\s*:", line)[0].strip(" -")
    return bool(_ISSUER_HINT.match(head)) and _is_caps(head)


def find_issuer(paragraphs: list[str]) -> str | None:
    """The issuing body from the top-left header block (capitals before "CỘNG HÒA…").

    A two-line header names the parent body above the issuing one (Nghị định 30/2020/NĐ-CP,
    Phụ lục I: "tên cơ quan chủ quản" over "tên cơ quan ban hành"): "ỦY BAN MTTQ VIỆT NAM XÃ AN
    BÌNH" over "BAN THƯỜNG TRỰC" is issued by "BAN THƯỜNG TRỰC ỦY BAN MTTQ VIỆT NAM XÃ AN BÌNH".
    """
    heads = [re.split(r"\||\bSố\s*:", para)[0].strip(" -") for para in paragraphs[:8]]
    for i, head in enumerate(heads):
        if _ISSUER_HINT.match(head) and _is_caps(head):
            below = heads[i + 1] if i + 1 < len(heads) else ""
            if below and _ISSUER_HINT.match(below) and _is_caps(below) and len(below) < 60:
                head = f"{below} {head}"
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


@lru_cache(maxsize=1)
def _byline_labels() -> re.Pattern:
    labels = sorted((row["label"] for row in read_tsv("byline_labels.tsv")), key=len, reverse=True)
    return re.compile(r"^(?:" + "|".join(re.escape(lb) for lb in labels) + r")\s*[:.\-–]?\s*", re.IGNORECASE)


_SIGNATURE = re.compile(r"\(?đã ký\)?|^(TM|KT|TL|TUQ)\.", re.IGNORECASE)
_NAME_WORD = re.compile(r"^[A-ZĐÀ-Ỹ][\wÀ-ỹ.]*$")
_AGENCY = re.compile(r"\s*(\([^()]{1,30}\)|/\s*[\w. ]{1,30})$")
_MAX_NAME_WORDS = 5
# where a sentence ends inside a paragraph: a byline may follow the last one ("… thị trấn. B.B.Đ")
_SENTENCE_END = re.compile(r"[.!?…”\"]\s+")


def clean_author(text: str) -> str:
    """A person's name from a byline: its label removed ("Tác giả: Nguyễn Văn Bình",
    "Tác giả Nguyễn Văn Bình", "Bài, ảnh: …"; labels in ``ingest/data/byline_labels.tsv``),
    an agency in brackets or after "/" kept ("Hoàng Thị Hoa (TTXVN)"). "" when what is left
    is not a name (one to five capitalised words, or initials such as "B.B.Đ")."""
    name = _byline_labels().sub("", text.strip()).strip(" :-–")
    if name.startswith("Theo "):
        name = name[5:].strip()
    agency = _AGENCY.search(name)
    core = name[:agency.start()].strip() if agency else name
    words = core.split()
    if not words or len(words) > _MAX_NAME_WORDS or not all(_NAME_WORD.match(w) for w in words):
        return ""
    return name


def find_author(paragraphs: list[str]) -> str | None:
    """The author of an article: a labelled byline line ("Tác giả: …", "Bài, ảnh: …") in the
    first three or last five lines, else a name alone on the last line or after the last
    sentence of the last paragraph ("… thị trấn. B.B.Đ", "… hiện đại. Khánh Thu (TTXVN)").
    Official documents (with a type line) end with their signer, not an author: the caller
    does not ask for them."""
    edges = paragraphs[:3] + paragraphs[-5:]
    for line in edges:
        if _byline_labels().match(line) and len(line.split()) <= 12:
            name = clean_author(line)
            if name:
                return name
    if not paragraphs:
        return None
    last = paragraphs[-1].strip()
    before = paragraphs[-2] if len(paragraphs) > 1 else ""
    if _is_caps(before) or _SIGNATURE.search(before):
        return None  # the signer's name under "CHỦ TỊCH" / "(Đã ký)", not an author
    if len(last.split()) <= _MAX_NAME_WORDS + 2 and (name := clean_author(last)):
        return name
    ends = [m.end() for m in _SENTENCE_END.finditer(last)]
    if ends and (name := clean_author(last[ends[-1]:].strip())):
        return name
    return None


def extract_metadata(paragraphs: list[str], declared_title: str = "") -> dict[str, str]:
    """All header metadata found in the first paragraphs of a document.

    Args:
        paragraphs: the document's normalised paragraphs.
        declared_title: a title the file format declared (may carry the số hiệu,
            e.g. "Thông tư 60/2026/TT-BTC - Hướng dẫn …").
    Returns a dict with any of ``so_hieu``, ``date``, ``doc_type``, ``title``, ``issuer``,
    ``author`` (articles only).
    """
    header = "\n".join(paragraphs[:_HEADER_LINES])
    found: dict[str, str] = {}
    so_hieu = find_so_hieu(header)
    if not so_hieu and declared_title:
        m = SO_HIEU.search(declared_title)
        so_hieu = m.group(1) if m else None
    if so_hieu:
        found["so_hieu"] = so_hieu
    issued = find_date("\n".join(paragraphs))
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
    author = find_author(paragraphs) if not title else None
    if author:
        found["author"] = author
    return found
