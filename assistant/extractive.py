"""Extractive answers: the sentences of the retrieved passages that answer the question.

Each passage is cut into units — sentences, or a whole numbered list with the
sentence that introduces it — and each unit is scored by how much of the
question's topic it covers (IDF-weighted, accent-folded terms, with a bonus for
adjacent term pairs) and whether it holds the kind of fact asked for (a date for
"ngày nào", a number for "bao nhiêu"). The best units are returned verbatim.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Sequence

from assistant.places import PlaceCheck, dated, document_where, question_places
from assistant.qualifiers import contradicts, qualifiers
from assistant.query import abbreviations, content_terms, synonym_words, with_expansions
from ingest.injection import looks_like_instruction
from ingest.normalize import fold_diacritics, has_diacritics, syllables
from ingest.sentences import LIST_ITEM, split_sentences
from vectorstore.retriever import Hit

# a weekday is "vào thứ Năm", "sáng thứ Hai", "thứ Ba hằng tuần"; "Thứ hai, …", "nhiệm vụ thứ hai",
# "kỳ họp thứ ba" count, they name no day
_WEEKDAY = (r"(?:\b(?:vào|ngày|sáng|chiều|tối|trưa|các|mỗi|hằng|hàng|từ|đến)\s+thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])\b"
            r"|\bthứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])\s+(?:hằng|hàng|mỗi|các)?\s*tuần\b)")
DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}([/.-]\d{2,4})?\b|\bngày\s+\d{1,2}\b|\bnăm\s+\d{4}\b|"
                   r"\btháng\s+\d{1,2}\b|" + _WEEKDAY + r"|\bchủ nhật\b|"
                   r"\b(hằng|hàng|mỗi)\s+(ngày|tuần|tháng|quý|năm)\b|\b\d{1,2}\s*(giờ|h)\b|\bđịnh kỳ\b",
                   re.IGNORECASE)
_ASKS_YEAR = re.compile(r"\b(năm (nào|mấy|bao nhiêu)|nam nao)\b", re.IGNORECASE)
_ASKS_DAY = re.compile(r"\b(ngày (nào|mấy|bao nhiêu)|ngay nao)\b", re.IGNORECASE)
_A_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_A_DAY = re.compile(r"\b\d{1,2}[/.-]\d{1,2}\b|\bngày\s+\d{1,2}\b|\b\d{1,2}\s+tháng\s+\d{1,2}\b|\b(mùng|mồng)\s+\d{1,2}\b|"
                    + _WEEKDAY + r"|\bchủ nhật\b|\b(hằng|hàng|mỗi)\s+(tuần|tháng)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d|\b(một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mươi|trăm|nghìn|ngàn|triệu|tỷ|"
                     r"nửa|gấp đôi)\b", re.IGNORECASE)
# "Ai là …", "… là ai?" ask for a person; a bare "ai" ("ai ra quyết định") is often a body
_ASKS_PERSON = re.compile(r"(^|\s)(ai là|là ai|người nào là|là người nào)(\s|\?|$)", re.IGNORECASE)
_ASKS_DATE = re.compile(r"\b(ngày nào|khi nào|bao giờ|lúc nào|thời điểm|thời hạn|hạn chót|năm nào|"
                        r"tháng nào|chậm nhất|muộn nhất|trước ngày|ngay nao|khi nao|bao gio|thoi han|"
                        r"cham nhat|muon nhat)\b", re.IGNORECASE)
_ASKS_NUMBER = re.compile(r"\b(bao nhiêu|mấy|tối đa|tối thiểu|mức|số lượng|tỷ lệ|bao nhieu|may|toi da|"
                          r"toi thieu|so luong|ty le)\b", re.IGNORECASE)
_ASKS_LIST = re.compile(r"\b(những (gì|nào|ai)|gồm|bao gồm|các bước|cách nào|hình thức|nội dung nào|"
                        r"nhung gi|gom|bao gom|hinh thuc)\b", re.IGNORECASE)


_TYPED_FLOOR = 0.6
_ITEM_TITLE = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ][.)]|[IVXLC]+[.)])\s+\S", re.IGNORECASE)
_FAQ_QUESTION = re.compile(r"^\s*(?:hỏi|câu hỏi)\s*(?:\d+\s*)?[:.]", re.IGNORECASE)  # its "Đáp:" answers it only
_ITEM_TITLE_CHARS = 150  # longer numbered lines are items with content, not titles of what follows
_QUESTION_DISCOUNT = 0.3  # score_unit's factor for a unit that is itself a question
_LONG_UNIT = 600  # characters: a list or table longer than this is narrowed to a line for a one-fact question
_LEADING_LABEL = re.compile(r"^\s*(?:(?:\d{1,3}(?:\.\d{1,3})*[.)]|[a-zđ][.)]|[-+•–])\s+|(?:đáp|trả lời|tl)\s*:\s*)",
                            re.IGNORECASE)


def answer_text(unit: str) -> str:
    """A unit as answer text: without a leading item number or FAQ label ("2. ", "Đáp: ").

    Lists keep their item markers; only a single sentence is cleaned. The citation
    keeps the exact quoted span.
    """
    if "\n" in unit:
        return unit
    cleaned = _LEADING_LABEL.sub("", unit, count=1)
    return cleaned[:1].upper() + cleaned[1:] if cleaned else unit
_HONORIFICS = {"ông", "bà", "anh", "chị", "cô", "chú", "chí", "đ", "c"}  # "đồng chí", "đ/c"


@dataclass
class Unit:
    """A candidate answer span taken verbatim from one hit's passage.

    ``position`` is the unit's order in its passage; ``typed`` whether it holds the
    kind of fact the question asks for (always True when no kind is asked).
    """

    text: str
    hit_index: int
    score: float = 0.0
    coverage: float = 0.0
    position: int = 0
    typed: bool = True


_QUANTITY = re.compile(r"\b(?:bao nhiêu|mấy)\s+(\w+(?:\s+\w+)?)", re.IGNORECASE)
# number words are whole words ("ba" is not the start of "ban"); also what keeps the search fast
_NUMBER_TOKEN = (r"(?:\d+(?:[.,/]\d+)*\s*%?|(?<!\w)(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mươi|trăm|nghìn|ngàn|"
                 r"triệu|tỷ|nửa)(?!\w))")
# "đồng" the currency, not "Hội đồng", "cộng đồng", "đồng chí", "đồng bào", "đồng thời" …
_DONG = (r"(?<!hội )(?<!cộng )(?<!hợp )(?<!bất )(?<!tán )đồng(?!\s+(?:chí|bào|thời|ý|bộ|đều|loạt|lòng|tình|"
         r"hành|nghiệp|phục|ruộng|hương|minh|nhất|thuận|tâm|cảm|cấp|đội))")
_MONEY_WORDS = re.compile(r"\b(tiền|kinh phí|phụ cấp|lương|thù lao|mức chi|mức thưởng|thưởng|phạt|"
                          r"tỷ đồng|triệu đồng|nghìn đồng|" + _DONG + r")\b", re.IGNORECASE)
# payments a question can name: a sentence that gives an amount answers it only if it names the same
# payment ("phụ cấp … bao nhiêu" is not answered by "được hỗ trợ 60 triệu đồng")
_PAYMENTS = re.compile(r"\b(phụ cấp|trợ cấp|lương|thù lao|thưởng|phạt|kinh phí|hỗ trợ|bồi thường|học bổng)\b",
                       re.IGNORECASE)
# the two-syllable ones are also found typed without accents ("phu cap", which the corpus may
# not restore); "luong", "thuong", "phat" alone are also "lượng", "thường", "phát"
_PAYMENTS_FOLDED = re.compile(r"\b(phu cap|tro cap|thu lao|kinh phi|ho tro|boi thuong|hoc bong)\b")


_RECEIVES = re.compile(r"^(.{3,120}?)\s+(?:được|đươc|duoc)\s+(?:hưởng\s+|huong\s+|nhận\s+|nhan\s+)?"
                       r"(?:phụ cấp|trợ cấp|hỗ trợ|thưởng|bồi dưỡng|thù lao|phu cap|tro cap|ho tro|thuong)",
                       re.IGNORECASE)


def _recipient(text: str) -> set[str]:
    """Content words of who receives a payment in a sentence "X được hỗ trợ …" (folded), or
    an empty set when the sentence does not say it that way."""
    m = _RECEIVES.search(text.strip())
    if not m:
        return set()
    return {fold_diacritics(t) for t in content_terms(m.group(1))} - _RECIPIENT_NOISE


_RECIPIENT_NOISE = {"moi", "cac", "nhung", "xa", "thon", "tinh", "nguoi"}  # "mỗi", "các", and where


def _payments(text: str) -> set[str]:
    """Payments named in ``text``, as folded forms."""
    return ({fold_diacritics(m.lower()) for m in _PAYMENTS.findall(text)}
            | set(_PAYMENTS_FOLDED.findall(fold_diacritics(text.lower()))))
_PEOPLE = r"người|đồng chí|thành viên|đại biểu|cử tri|ủy viên|uỷ viên|hòa giải viên|hoà giải viên|phó|cán bộ|công chức"
# a measure word and the words documents count the same thing with
_MEASURE_ALIASES = {"người": _PEOPLE, "thành": _PEOPLE, "thành viên": _PEOPLE, "buổi": r"buổi|cuộc|lần",
                    "cuộc": r"buổi|cuộc|lần", "lần": r"lần|buổi|cuộc", "ngày": r"ngày", "năm": r"năm",
                    "tháng": r"tháng", "nhà": r"nhà|căn", "căn": r"căn|nhà", "km": r"km|ki-lô-mét|cây số"}
# measure words that name no countable thing: "bao nhiêu lâu", "mấy giờ" are handled as dates
_NOT_MEASURES = {"là", "được", "thì", "có", "và", "của", "để", "lâu", "giờ", "lần"}


_IN_DONG = _NUMBER_TOKEN + r"(?:\s+\S+){0,2}?\s+(?:" + _DONG + r"|đ\b)"
_AMOUNT = re.compile(_IN_DONG + r"|lương cơ sở|hệ số", re.IGNORECASE)  # "1,2 lần mức lương cơ sở" is an amount
_AMOUNT_IN_DONG = re.compile(_IN_DONG, re.IGNORECASE)  # … but not for "lương cơ sở là bao nhiêu?"
_NAMES_THE_BASE = re.compile(r"lương cơ sở|hệ số", re.IGNORECASE)
_AMOUNT_GATE = re.compile(r"đồng|\d\s?đ\b|lương cơ sở|hệ số", re.IGNORECASE)


def quantity_pattern(question: str) -> re.Pattern | None:
    """What a quantity answer must look like, from the measure word after "bao nhiêu"/"mấy".

    "bao nhiêu thành viên" → a number within two words before "thành viên";
    "bao nhiêu tiền", "… tỷ đồng" or a money question ("phụ cấp … bao nhiêu") → an
    amount in "đồng"; "bao nhiêu phần trăm" → a percentage. None when the question
    names no measure.
    """
    found = _quantity(question)
    return found[0] if found else None


_PERCENT = re.compile(r"\d\s*%|phần trăm", re.IGNORECASE)


def _quantity(question: str) -> tuple[re.Pattern, re.Pattern | None] | None:
    """:func:`quantity_pattern` and a cheap test that a text may hold a match (the measure
    word itself, or a currency word; the number search is much slower), or None."""
    m = _QUANTITY.search(question)
    measure = m.group(1).lower().split() if m else []
    if measure and measure[0] in _NOT_MEASURES:
        measure = []
    words = " ".join(measure)
    if words.startswith(("phần trăm", "%")):
        return _PERCENT, None
    if words.startswith("tiền") or "đồng" in words or (not measure and _MONEY_WORDS.search(question)):
        return _AMOUNT, _AMOUNT_GATE
    if measure:
        return _count_of(_MEASURE_ALIASES.get(measure[0], re.escape(measure[0])))
    return None


@lru_cache(maxsize=256)
def _count_of(nouns: str) -> tuple[re.Pattern, re.Pattern]:
    """A count of ``nouns`` ("N thành viên") and the gate of :func:`_quantity`."""
    return (re.compile(_NUMBER_TOKEN + r"(?:\s+\S+){0,3}?\s+(?:" + nouns + r")\b", re.IGNORECASE),
            re.compile(nouns, re.IGNORECASE))


def asked_kind(question: str) -> str | None:
    """The kind of fact a question asks for: ``date``, ``number``, ``person`` or None."""
    if _ASKS_DATE.search(question):
        return "date"
    if _ASKS_NUMBER.search(question):
        return "number"
    if _ASKS_PERSON.search(question):
        return "person"
    return None


def has_kind(unit: str, kind: str | None, question: str, context: str = "") -> bool:
    """True when ``unit`` contains a fact of ``kind`` (a date, a number, a person's name
    that the question does not already contain). An amount of money answers a question
    that names a payment ("phụ cấp", "thưởng", "phạt" …) only next to the same payment, in
    the unit or its ``context`` (the headings above it: "Điều 5. Phụ cấp hằng tháng"); a
    multiple of "lương cơ sở" is an amount, except for a question about "lương cơ sở" itself."""
    if kind is None:
        return True
    if kind == "date":
        if _ASKS_YEAR.search(question):  # "năm nào" is answered by a year, not by "hằng quý"
            return bool(_A_YEAR.search(unit))
        if _ASKS_DAY.search(question):  # "ngày nào" by a day of a month
            return bool(_A_DAY.search(unit))
        return bool(DATE.search(unit))
    if kind == "number":
        found = _quantity(question)
        if found is None:
            return bool(_NUMBER.search(unit))
        pattern, gate = found
        if pattern is _AMOUNT and _NAMES_THE_BASE.search(question):
            pattern = _AMOUNT_IN_DONG
        if (gate is not None and not gate.search(unit)) or not pattern.search(unit):
            return False
        payments = _payments(question) if pattern in (_AMOUNT, _AMOUNT_IN_DONG) else set()
        if not payments:
            return True
        if not payments & _payments(f"{unit} {context}"):
            return False
        # "Trưởng ban … được hỗ trợ bao nhiêu?" is not answered by "Mỗi hộ nghèo … được hỗ trợ 3.000.000
        # đồng": when both say who receives it, they must share a word of who
        asked, given = _recipient(question), _recipient(unit)
        return not (asked and given) or bool(asked & given)
    q_words = set(syllables(question))
    words = re.findall(r"\w+", unit) + [""]
    run: list[str] = []
    for i, word in enumerate(words):
        if i > 0 and word[:1].isupper() and not word.isupper():
            run.append(word)
            continue
        new = sum(w.lower() not in q_words for w in run)
        before = words[i - len(run) - 1].lower() if i - len(run) - 1 >= 0 else ""
        # a personal name: three capitalised syllables ("Nguyễn Văn Bình"), or two after
        # an honorific ("bà Minh Hoài"), that the question does not already contain
        if run and (new >= 3 or (new >= 2 and before in _HONORIFICS)):
            return True
        run = []
    return False


class TermStats:
    """Document frequencies of folded syllables over a set of passages, for IDF."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._count([syllables(t) for t in texts])

    @classmethod
    def from_tokens(cls, token_lists: Sequence[Sequence[str]]) -> "TermStats":
        """Stats from passages already split into lower-case syllables."""
        stats = cls.__new__(cls)
        stats._count(token_lists)
        return stats

    def _count(self, token_lists: Sequence[Sequence[str]]) -> None:
        self.n = max(1, len(token_lists))
        df: Counter[str] = Counter()
        for tokens in token_lists:
            df.update({fold_diacritics(s) for s in tokens})
        self.df = df

    def idf(self, term: str) -> float:
        """BM25-style IDF, ``ln(1 + (N - df + 0.5) / (df + 0.5))`` (Robertson & Zaragoza 2009)."""
        df = self.df.get(term, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))


def _is_item(paragraph: str) -> bool:
    """A list item (``1.``, ``a)``, ``-``) or a table row (cells joined by ``|``)."""
    return bool(LIST_ITEM.match(paragraph)) or paragraph.count(" | ") >= 1


def split_units(passage: str) -> list[str]:
    """Sentences of ``passage``, with each list or table kept whole together with its lead-in.

    A paragraph ending in ":" and the list items (``1.``, ``a)``, ``-``) or table rows
    after it form one unit.
    """
    units: list[str] = []
    paragraphs = [p for p in passage.split("\n") if p.strip()]
    i = 0
    while i < len(paragraphs):
        para = paragraphs[i]
        if para.rstrip().endswith(":") and i + 1 < len(paragraphs) and _is_item(paragraphs[i + 1]):
            block = [para]
            i += 1
            while i < len(paragraphs) and _is_item(paragraphs[i]):
                block.append(paragraphs[i])
                i += 1
            units.append("\n".join(block))
            continue
        units.extend(split_sentences(para))
        i += 1
    return units


def _weights(terms: list[str], stats: TermStats) -> dict[str, float]:
    return {t: stats.idf(fold_diacritics(t)) for t in dict.fromkeys(terms)}


def _forms(text: str, fold: bool) -> list[str]:
    """Syllables of ``text`` (abbreviations expanded), folded or as written."""
    words = syllables(with_expansions(text))
    return [fold_diacritics(w) for w in words] if fold else words


def _local_weights(weights: dict[str, float], sets: list[set[str]]) -> dict[str, float]:
    """Re-weight terms by how well they tell the candidate sentences apart: a term in
    every candidate (the entity all passages are about) counts half, a term in one
    candidate (what the question asks about it) counts fully — IDF computed over the
    candidates themselves (Robertson & Zaragoza 2009), scaled to [0.5, 1]."""
    n = len(sets) or 1
    local = {t: math.log(1 + (n + 1) / (sum(t in s for s in sets) + 1)) for t in weights}
    top = max(local.values(), default=1.0) or 1.0
    return {t: w * (0.5 + 0.5 * local[t] / top) for t, w in weights.items()}


def score_unit(unit: str, question: str, terms: list[str], weights: dict[str, float],
               context: set[str] | None = None, kind: str | None = None,
               rank_weights: dict[str, float] | None = None, fold: bool = True,
               words: list[str] | None = None) -> tuple[float, float]:
    """Score of ``unit`` for the question and the share of topic weight it covers.

    Args:
        context: folded syllables of the unit's surroundings (document title, heading
            path, số hiệu, the passage's first paragraph); a term found only there
            counts half.
        kind: the kind of fact asked (:func:`asked_kind` of the user's own turn).
        rank_weights: weights for the score's coverage part (default ``weights``); the
            returned coverage always uses ``weights``.
        fold: compare accent-folded syllables (a question typed without accents) or
            exact ones (with accents: "họp" is not "hợp").
        words: the unit's syllables as :func:`_forms` gives them, when already computed.
    Returns:
        ``(score, coverage)``: coverage is the IDF-weighted fraction of the
        question's content terms present (0–1); the score adds 0.5 × the fraction of
        adjacent term pairs present and 0.3 when the unit holds the kind of fact asked
        for. A unit that is itself a question, a fragment under 4 words, or a line in capitals
        (a title or header block) is discounted.
    """
    words = words if words is not None else _forms(unit, fold)
    present = set(words) | synonym_words(words, fold)  # "thấp nhất" covers "tối thiểu"
    context = context or set()

    def covered(ws: dict[str, float]) -> float:
        total = sum(ws.values()) or 1.0
        return sum(w if t in present else 0.5 * w if t in context else 0.0 for t, w in ws.items()) / total

    coverage = covered(weights)
    ranking_coverage = covered(rank_weights) if rank_weights else coverage
    # adjacent question terms found adjacent in the unit, weighted like their terms; a
    # pair whose terms are only in the context (the document's title) counts half
    ws = rank_weights or weights
    unit_pairs = set(zip(words, words[1:]))
    pairs = {(a, b): min(ws.get(a, 0.0), ws.get(b, 0.0)) for a, b in zip(terms, terms[1:])}
    pair_total = sum(pairs.values()) or 1.0
    pair_share = sum(w if p in unit_pairs else 0.5 * w if p[0] in context and p[1] in context else 0.0
                     for p, w in pairs.items()) / pair_total if pairs else 0.0
    score = ranking_coverage + 0.5 * pair_share
    if kind and has_kind(unit, kind, question):
        score += 0.3
    if unit.rstrip().endswith("?"):
        score *= _QUESTION_DISCOUNT  # a question in the text (FAQ "Hỏi: …") is not an answer
    if len(words) < 4:
        score *= 0.5  # fragments such as headings or table stubs answer little
    letters = [c for c in unit if c.isalpha()]
    if len(words) >= 6 and sum(c.isupper() for c in letters) > 0.8 * len(letters):
        score *= 0.5  # a title or header block in capitals names a document, it does not answer
    return score, coverage


@lru_cache(maxsize=1)
def _abbreviation_terms() -> frozenset[str]:
    return frozenset(fold_diacritics(a.short.lower()) for a in abbreviations())


def _context_terms(hit: Hit, fold: bool = True) -> set[str]:
    meta = hit.chunk.metadata
    parts = [*hit.chunk.heading_path, meta.get("title", ""), meta.get("so_hieu") or "",
             meta.get("doc_type") or "", hit.passage.text.split("\n", 1)[0]]
    return set(_forms(" ".join(parts), fold))


def select_units(question: str, hits: Sequence[Hit], stats: TermStats, *, max_units: int = 3,
                 relative_floor: float = 0.8, turn: str | None = None,
                 places: Sequence[str] = (), years: Sequence[str] = (),
                 known_places: frozenset[str] = frozenset()) -> list[Unit]:
    """The best answer units across ``hits``, best first.

    ``question`` is the standalone question (its terms are matched); ``turn`` is what
    the user typed in this turn, which alone decides the kind of fact asked, so that
    "Còn nhiệm kỳ thì sao?" after "… bao nhiêu thành viên?" does not ask for a count.
    When a kind is asked, at most two units are returned.

    The top unit is always returned (if any); others only when they score at least
    ``relative_floor`` × the best and are not already contained in a chosen unit.
    Earlier (better-ranked) hits win ties through a small rank prior.

    ``places`` are the place names the question is about (:func:`assistant.places.place_names`,
    with ``known_places`` the corpus's :func:`assistant.places.gazetteer`)
    and ``years`` the years it names. A unit answers only if it names one of the places (as a
    name, capitalised), or its document's title, headings or file name does, or it names no
    other place and its passage names one and no other; and its passage or document names
    one of the years. So "Hà Nam đã chi …" is not answered from a sentence
    about Nam Định, "xã Đoàn Kết" not from "đại đoàn kết", nor "năm 2024" from the 2025 plan.
    Nor does a unit that, with its headings, names only another level, round, term, star
    rating or prize than the one asked (:mod:`assistant.qualifiers`: "cấp tỉnh" for "cấp xã").
    """
    # with accents typed, match them ("họp" is not "hợp"); without, match folded forms
    fold = not has_diacritics(question)
    # an abbreviation counts as present when its expansion is, and the other way round
    terms = [t for t in content_terms(question, fold) if fold_diacritics(t) not in _abbreviation_terms()]
    terms += [t for t in content_terms(with_expansions(question), fold) if t not in terms]
    if not terms:
        return []
    weights = _weights(terms, stats)
    turn = turn or question
    if _is_follow_up_of(question, turn):
        # "Còn trưởng ban thì sao?": what this turn asks counts fully, the earlier question's
        # topic half, so the answer is not the previous answer again
        own = set(content_terms(turn, fold)) | set(content_terms(with_expansions(turn), fold))
        if own & set(weights):
            weights = {t: w if t in own else 0.5 * w for t, w in weights.items()}
    kind = asked_kind(turn)
    if kind:  # one fact asked: a second sentence must be nearly as good to be added
        max_units = min(max_units, 2)
        relative_floor = max(relative_floor, 0.9)
    units = [(h, position, text) for h, hit in enumerate(hits)
             for position, text in enumerate(split_units(hit.passage.text))
             if not looks_like_instruction(text)]  # documents are data: orders in them are never answers
    forms = [_forms(text, fold) for _h, _p, text in units]
    rank_weights = _local_weights(weights, [set(f) for f in forms])
    contexts = [_context_terms(hit, fold) for hit in hits]
    kinds = [kind for kind, name in question_places(turn, known_places) + question_places(question, known_places)
             if kind and name in places]
    place_check = PlaceCheck(places, fold, kinds)
    wheres = [document_where(hit) for hit in hits]
    headings = [" ".join(hit.chunk.heading_path[1:]) for hit in hits]
    asked = qualifiers(turn) or qualifiers(question)  # "cấp xã", "lần thứ ba", "Giải Nhì"…
    candidates: list[Unit] = []
    items: dict[int, tuple[str, list[str]]] = {}  # per passage: the last numbered item title
    for (h, position, text), words in zip(units, forms):
        if (_ITEM_TITLE.match(text) and len(text) <= _ITEM_TITLE_CHARS) or _FAQ_QUESTION.match(text):
            items[h] = (text, words)
            lead_in, scored = "", words
        else:
            # "- Thời gian: chậm nhất ngày 20/02/2026" says it of its item ("3. Hội nghị … lần thứ ba")
            lead_in, lead_words = items.get(h, ("", []))
            scored = lead_words + words
        if not place_check.allows(text, h, hits[h], wheres[h]) or not dated(wheres[h], hits[h].passage.text, years) \
                or contradicts(asked, f"{text} {lead_in}"):  # not the section's heading: "… hướng dẫn của cấp tỉnh"
            continue
        prior = 1.0 - 0.04 * h
        score, coverage = score_unit(text, turn, terms, weights, contexts[h], kind, rank_weights, fold, scored)
        candidates.append(Unit(text=text, hit_index=h, score=score * prior, coverage=coverage,
                               position=position, typed=has_kind(text, kind, turn, headings[h])))
    _answer_faq_questions(candidates)
    candidates.sort(key=lambda u: -u.score)
    if not candidates:
        return []
    if kind and not candidates[0].typed:
        # a close runner-up that holds the asked-for fact answers better than the best match
        typed = next((u for u in candidates if u.typed), None)
        if typed is not None and typed.score >= _TYPED_FLOOR * candidates[0].score:
            candidates.remove(typed)
            candidates.insert(0, typed)
    if kind and len(candidates[0].text) > _LONG_UNIT:
        # one fact asked: from a long list or table, the line that holds it
        top = candidates[0]
        lines = [ln for ln in top.text.split("\n")[1:]
                 if has_kind(ln, kind, turn, headings[top.hit_index]) and not contradicts(asked, ln)]
        if lines:
            best = max(lines, key=lambda ln: score_unit(ln, turn, terms, weights, contexts[top.hit_index], kind,
                                                        rank_weights, fold)[0])
            candidates[0] = Unit(best, top.hit_index, top.score, top.coverage, top.position, True)
    chosen = [candidates[0]]
    for unit in candidates[1:]:
        if len(chosen) >= max_units or unit.score < relative_floor * chosen[0].score:
            break
        if any(unit.text in c.text or c.text in unit.text for c in chosen):
            continue
        chosen.append(unit)
    if _ASKS_LIST.search(question):
        extended = _extend_with_list(chosen[0], hits)
        if extended is not None:
            chosen[0] = extended
    if asked:  # from a list of levels or ranks, the lines of the one asked ("- Cấp xã: …", not "- Cấp tỉnh: …")
        chosen = [_without_other_qualifiers(unit, asked) for unit in chosen]
    return chosen


def _is_follow_up_of(standalone: str, turn: str) -> bool:
    """``standalone`` is an earlier question with ``turn`` appended (see
    :func:`assistant.query.build_query`); ``turn`` may have had its accents restored."""
    a, b = fold_diacritics(" ".join(standalone.lower().split())), fold_diacritics(" ".join(turn.lower().split()))
    return len(a) > len(b) + 1 and a.endswith(b)


def _without_other_qualifiers(unit: Unit, asked: dict[str, set[str]]) -> Unit:
    lines = unit.text.split("\n")
    kept = lines[:1] + [line for line in lines[1:] if not contradicts(asked, line)]
    return unit if len(kept) == len(lines) else replace(unit, text="\n".join(kept))


def _answer_faq_questions(candidates: list[Unit]) -> None:
    """In question-and-answer documents ("Hỏi: …?" then "Đáp: …"), the unit right after a
    question answers it: it takes the question's score and coverage when those are higher
    than its own, so that "Người dân tham gia bằng cách nào?" is answered by the "Đáp:"
    that follows the matching "Hỏi:" even though the answer shares no words with it."""
    by_place = {(u.hit_index, u.position): u for u in candidates}
    for unit in candidates:
        if not unit.text.rstrip().endswith("?"):
            continue
        answer = by_place.get((unit.hit_index, unit.position + 1))
        if answer is not None and not answer.text.rstrip().endswith("?"):
            answer.score = max(answer.score, unit.score / _QUESTION_DISCOUNT)
            answer.coverage = max(answer.coverage, unit.coverage)


def _extend_with_list(unit: Unit, hits: Sequence[Hit]) -> Unit | None:
    """For list questions: if the unit's paragraph is followed by list items, take them too."""
    paragraphs = [p for p in hits[unit.hit_index].passage.text.split("\n") if p.strip()]
    for i, para in enumerate(paragraphs):
        if unit.text in para and i + 1 < len(paragraphs) and LIST_ITEM.match(paragraphs[i + 1]) \
                and not LIST_ITEM.match(para):
            block = [para]
            for nxt in paragraphs[i + 1:]:
                if not LIST_ITEM.match(nxt):
                    break
                block.append(nxt)
            return Unit("\n".join(block), unit.hit_index, unit.score, unit.coverage, unit.position, unit.typed)
    return None
