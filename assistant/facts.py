"""What kind of fact a text holds: a date, a day, an amount of a measure, a person's name, a
place, an e-mail … — the answer-type side of factoid question answering (Harabagiu et al.,
"FALCON", TREC-9, 2000): a question asking "ngày nào" is answered only by a text holding a day.

:func:`holds` is the one test, used by the answer step's kind check and by the search's
answer-type boost (:mod:`assistant.answer_type`). The words the patterns are built from
(weekdays, day parts, periods, payments, measure words, honorifics) come from the lexicon.
"""
from __future__ import annotations

import re
from functools import lru_cache

from assistant import lexicon
from assistant.numbers import mentions
from ingest.metadata import SO_HIEU
from ingest.normalize import fold_diacritics, syllables

# kinds asked (lexicon/interrogatives.tsv) that any topical text may answer
OPEN_KINDS = frozenset({"definition", "procedure", "yes_no"})
TIME_FAMILIES = frozenset({"day", "week", "month", "year", "hour"})


def _alternation(role: str) -> str:
    return "|".join(sorted((re.escape(r["word"]) for r in lexicon.rows("calendar") if r["role"] == role),
                           key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    weekday, daypart = _alternation("weekday"), _alternation("daypart")
    periodic, period = _alternation("periodic"), _alternation("period")
    day_name, clock = _alternation("day_name"), _alternation("clock")
    # a weekday is "vào thứ Năm", "sáng thứ Hai", "thứ Ba hằng tuần"; "Thứ hai, …" (secondly),
    # "nhiệm vụ thứ hai", "kỳ họp thứ ba" name no day
    weekday_re = (rf"(?:\b(?:{daypart})\s+thứ\s+(?:{weekday})\b|\bthứ\s+(?:{weekday})\s+(?:{periodic})?\s*tuần\b)")
    day = (rf"\b\d{{1,2}}[/.-]\d{{1,2}}\b|\bngày\s+\d{{1,2}}\b|\b\d{{1,2}}\s+tháng\s+\d{{1,2}}\b|\b(?:mùng|mồng)\s+\d{{1,2}}\b|"
           rf"{weekday_re}|\b(?:{day_name})\b|\b(?:{periodic})\s+(?:tuần|tháng)\b")
    return {
        "day": re.compile(day, re.IGNORECASE),
        "month": re.compile(rf"\btháng\s+\d{{1,2}}\b|\b\d{{1,2}}[/.-]\d{{4}}\b|{day}", re.IGNORECASE),
        "year": re.compile(r"(?<![\d/.-])(?:19|20)\d{2}(?!\d)|\b\d{1,2}[/.-](?:19|20)\d{2}\b"),
        "time": re.compile(rf"\b\d{{1,2}}\s*(?:{clock})\b|\b\d{{1,2}}h\d{{2}}\b|\b\d{{1,2}}:\d{{2}}\b", re.IGNORECASE),
        "date": re.compile(rf"\b\d{{1,2}}[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?\b|\bngày\s+\d{{1,2}}\b|\bnăm\s+\d{{4}}\b|"
                           rf"\btháng\s+\d{{1,2}}\b|{weekday_re}|\b(?:{day_name})\b|"
                           rf"\b(?:{periodic})\s+(?:{period})\b|\b\d{{1,2}}\s*(?:{clock})\b|\bđịnh kỳ\b",
                           re.IGNORECASE),
        "frequency": re.compile(rf"\b(?:{periodic})\s+(?:{period})\b|\bđịnh kỳ\b|\b\d+\s+lần\s*/|"
                                rf"\b(?:một|hai|ba|\d+)\s+lần\b|\b(?:{period})\s+(?:một|hai|\d+)\s+lần\b",
                                re.IGNORECASE),
        "contact": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<!\d)(?:0|\+84)\d{2,3}[ .]?\d{3}[ .]?\d{3,4}(?!\d)|"
                              r"https?://\S+|www\.\S+", re.IGNORECASE),
        "base_salary": re.compile(lexicon.alternation("markers", "role", "multiple_of"), re.IGNORECASE),
        "percent": re.compile(r"\d\s*%|phần trăm|\b\w+\s+phần\s+\w+\b", re.IGNORECASE),
    }


@lru_cache(maxsize=1)
def payments() -> lexicon.PhraseTable:
    """Payments a question or text names (``lexicon/payments.tsv``), valued by family."""
    return lexicon.table("payments", "family")


@lru_cache(maxsize=1)
def _not_after() -> dict[str, frozenset[str]]:
    return {r["payment"]: frozenset(fold_diacritics(w) for w in r["not_after"].split("|") if w)
            for r in lexicon.rows("payments")}


def payments_in(text: str) -> set[str]:
    """The families of the payments ``text`` names ("phụ cấp", "raise" for "vận động" …); a
    payment word after a word that makes it a name ("Cuộc vận động") is none."""
    tokens = lexicon.words(text)
    written = re.findall(r"\d+(?:[.,]\d+)*|%|\w+", text)  # the same tokens, case kept
    keys = lexicon.folded(tokens)
    found = set()
    for m in payments().find(tokens):
        if m.start and keys[m.start - 1] in _not_after().get(m.phrase, frozenset()):
            continue
        if len(written) == len(tokens) and _in_name(written, m.start, m.end):
            continue  # inside a name: "xã Lương Minh" names no salary
        found.add(m.value)
    return found


def _in_name(tokens: list[str], start: int, end: int) -> bool:
    """Tokens ``[start, end)`` are part of a capitalised name: capitalised (not in capitals) and
    next to another capitalised word ("Lương Minh"), not opening the text."""
    def titled(i: int) -> bool:
        return 0 <= i < len(tokens) and tokens[i][:1].isupper() and not tokens[i].isupper()

    return start > 0 and titled(start) and (titled(start - 1) or titled(end))


@lru_cache(maxsize=1)
def _honorifics() -> frozenset[str]:
    return frozenset(w for r in lexicon.rows("honorifics") for w in [r["word"].split("/")[0]])


def has_person(text: str, question: str = "") -> bool:
    """A personal name the question does not already contain: three capitalised syllables
    ("Nguyễn Văn Bình"), or two after an honorific ("bà Minh Hoài", "đồng chí Trần Quân"); in a
    text in capitals, the words after a role or honorific and a colon ("TRƯỞNG BAN: TRỊNH VĂN
    KHẢI")."""
    q_words = set(syllables(question))
    if _in_capitals(text):
        for m in re.finditer(r":\s*((?:\w+\s+){1,4}\w+)", text):
            label = text[:m.start()].rsplit(".", 1)[-1].rsplit(";", 1)[-1]
            name = m.group(1).split()
            if (lexicon.table("roles").search(label) or lexicon.table("honorifics").search(label)) \
                    and len(name) >= 2 and not any(c.isdigit() for c in m.group(1)) \
                    and any(w.lower() not in q_words for w in name):
                return True
    tokens = re.findall(r"\w+", text) + [""]
    run: list[str] = []
    honorifics = _honorifics()
    for i, word in enumerate(tokens):
        if i > 0 and word[:1].isupper() and not word.isupper():
            run.append(word)
            continue
        new = sum(w.lower() not in q_words for w in run)
        before = tokens[i - len(run) - 1].lower() if i - len(run) - 1 >= 0 else ""
        if run and (new >= 3 or (new >= 2 and before in honorifics)):
            return True
        run = []
    return False


@lru_cache(maxsize=1)
def _by() -> re.Pattern:
    verbs = lexicon.alternation("markers", "role", "agent_verb")
    return re.compile(rf"\bdo\s+(?:các\s+|những\s+)?\w+(?:\s+\w+){{0,4}}\s+(?:{verbs})", re.IGNORECASE)


def _in_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 6 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


@lru_cache(maxsize=1)
def _event_time() -> re.Pattern:
    return re.compile(rf"\b(?:{lexicon.alternation('markers', 'role', 'date_event')})\s+\w+", re.IGNORECASE)


@lru_cache(maxsize=1)
def _reason() -> re.Pattern:
    return re.compile(rf"(?<!\w)(?:{lexicon.alternation('markers', 'role', 'reason')})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _body_subject() -> re.Pattern:
    """A sentence or clause opening with a body ("Ủy ban bầu cử cấp tỉnh quyết định …", "Bộ Dân tộc
    và Tôn giáo chịu trách nhiệm …"): its subject is a doer."""
    bodies = lexicon.alternation("markers", "role", "body")
    return re.compile(rf"(?:^|[.;:]\s+|^\s*[-+•]\s*|^\s*\d+[.)]\s*)(?P<body>{bodies})\b", re.IGNORECASE | re.MULTILINE)


def _opens_with_body(text: str) -> bool:
    """A body named with a capital at the start of a sentence, clause or list item (a capital,
    because "bộ" and "ban" are also common words)."""
    return any(m.group("body")[0].isupper() for m in _body_subject().finditer(text))


def has_body_or_person(text: str, question: str = "") -> bool:
    """A person, or a body named with capitals or an abbreviation ("Ủy ban nhân dân", "UBND",
    "Ban Thường trực") that the question does not already name, or a doer given by "do …"
    ("do hòa giải viên bầu", "do hội nghị thôn bầu")."""
    if has_person(text, question) or _by().search(text) or _opens_with_body(text):
        return True
    q_words = set(syllables(question))
    for m in re.finditer(r"(?:\b[A-ZĐ][\wđĐ]*\b\s*){2,}|\b[A-ZĐ]{2,}[\wĐ-]*\b", text):
        if any(w.lower() not in q_words for w in re.findall(r"\w+", m.group(0))):
            return True
    return False


@lru_cache(maxsize=1)
def _at_and_address() -> tuple[re.Pattern, re.Pattern]:
    at = lexicon.alternation("markers", "role", "place_at")
    # the name is looked ahead, not consumed: "tại trụ sở Ủy ban" is also "trụ sở Ủy ban"
    address = lexicon.alternation("markers", "role", "address")
    return (re.compile(rf"\b(?:{at})\s*:?\s+(?=((?:\w+\s+){{0,2}}\w+))", re.IGNORECASE),
            re.compile(rf"\bsố\s+\d+[\w/]*\s+(?:(?:{address})\s+)?[A-ZĐ]|\b(?:{address})\s+\d+", re.IGNORECASE))


@lru_cache(maxsize=1)
def _references() -> lexicon.PhraseTable:
    return lexicon.table("reference_words")


def has_name(text: str, question: str = "", noun: str = "") -> bool:
    """A named ``noun`` ("thôn Bãi Sậy", "Thôn: Rộc Tre" in a row shown with its headers) whose
    name the question does not already contain: what answers "thôn nào", "xã nào"."""
    if not noun:
        return False
    q_words = set(syllables(question))
    pattern = re.compile(rf"(?<!\w){re.escape(noun)}\s*:?\s+((?:[A-ZĐÂĂÊÔƠƯ][\w]*\s*){{1,4}})", re.IGNORECASE)
    for m in pattern.finditer(text):
        name = m.group(1).split()
        if name and name[0][:1].isupper() and any(w.lower() not in q_words for w in name):
            return True
    return False


def has_place(text: str, question: str = "") -> bool:
    """An address or place: "số 46 Tràng Thi", "phòng 109", or a capitalised name within three
    words after "tại", "ở", "địa chỉ" ("tại Hội trường Ủy ban", "ở Nhà văn hóa thôn", "tại
    hội trường UBND xã") that is not a part of a
    document ("tại Điều 1", "ở Mục II": ``lexicon/reference_words.tsv``)."""
    at, address = _at_and_address()
    if address.search(text):
        return True
    for m in at.finditer(text):
        # a name within three words: "tại Nhà văn hóa", "tại hội trường UBND xã"
        words = m.group(1).split()
        for i, word in enumerate(words):
            if word[:1].isupper():
                if not any(r.start == 0 for r in _references().search(" ".join(words[i:]))):
                    return True
                break
    return False


def has_document_number(text: str, question: str = "") -> bool:
    """A số hiệu the question does not already give, even in part ("NQLT 525/2012" gives
    "525/2012/NQLT/UBTVQH13")."""
    asked = set(re.findall(r"\d+", " ".join(m.group(1) for m in SO_HIEU.finditer(question))))
    asked |= {n for n in re.findall(r"(?<![\d/])\d{1,5}(?=/)", question)}
    return any(re.match(r"\d+", m.group(1)).group(0) not in asked for m in SO_HIEU.finditer(text))


def amount_of(family: str, text: str, question: str = "") -> bool:
    """An amount of the measure ``family`` (``lexicon/measures.tsv``): "05 người" for people,
    "1.200.000 đồng" for money, "70%" for percent. Money also counts as a multiple of the
    "lương cơ sở" (base salary) — except for a question about the base salary itself, which
    needs a sum in đồng."""
    found = [m for m in mentions(text) if m.family]
    if family == "time_span":  # "bao nhiêu thời gian": any length of time ("01 tuần", "40 tiết")
        return any(m.family in TIME_FAMILIES | {"lesson"} for m in found)
    if any(f == family for f in labelled_families(text)):
        return True  # "Số hộ nghèo: 9", a table row shown with its headers
    if family in _SHARE_OF and _FRACTION.search(text):
        return True  # "hai phần ba tổng số thành viên", "50% tổng số cử tri": a share of the people counted
    if family == "money":
        if any(m.family == "money" for m in found):
            return True
        return bool(_patterns()["base_salary"].search(text)) and not _patterns()["base_salary"].search(question)
    if family == "percent":
        return any(m.family == "percent" for m in found) or bool(_patterns()["percent"].search(text))
    return any(m.family == family for m in found)


_LABELLED = re.compile(r"(?:^|[;|,\n]\s*)([^;:|,\n]{1,60}?)\s*:\s*(?:khoảng\s+|gần\s+|hơn\s+)?\d", re.MULTILINE)
# a share of a counted group: "hai phần ba", "1/3", "50%" (not "phần trăm" alone)
_FRACTION = re.compile(r"\b\w+\s+phần\s+(?!trăm)\w+\b|(?<![\d/])\d{1,2}/\d{1,2}(?![\d/])|\d\s*%", re.IGNORECASE)
_SHARE_OF = frozenset({"people", "household"})


def labelled_families(text: str) -> list[str]:
    """Measure families of numbers given as a label's value ("Số hộ nghèo: 9" → household,
    "Kinh phí (đồng): 500.000" → money): in a table row or a form the measure is in the label."""
    out = []
    for m in _LABELLED.finditer(text):
        found = lexicon.table("measures", "family").search(m.group(1))
        if found:
            out.append(found[-1].value)
    return out


def any_number(text: str) -> bool:
    """Any number, written in digits or in words."""
    return bool(re.search(r"\d", text)) or bool(mentions(text))


def holds(kind: str | None, text: str, question: str = "", measure: str | None = None) -> bool:
    """Whether ``text`` holds a fact of ``kind`` (a kind of ``lexicon/interrogatives.tsv``).

    Args:
        kind: the kind asked; None and the open kinds (definition, procedure, yes_no) are held
            by any text; a reason needs a cause or purpose word (``markers.tsv`` role reason), a
            list several lines or at least two separators (",", ";", "và", "hoặc").
        question: the question (a name or number it already gives is no answer).
        measure: for ``amount``, the measure family asked ("people", "money" …), None asks for
            any number; for ``which_place``, the kind of place asked ("thôn").
    """
    if kind is None or kind in OPEN_KINDS:
        return True
    if kind == "reason":  # "vì sao …?": a cause or a purpose ("vì …", "do …", "nhằm …")
        return bool(_reason().search(text))
    if kind == "list":  # "gồm những gì?": lines of a list or table, or an enumeration
        bare = re.sub(r'"[^"]*"|“[^”]*”|\([^)]*\)', " ", text)  # a quoted name or an aside lists nothing
        return "\n" in text.strip() or len(re.findall(r"[,;]|\s(?:và|hoặc)\s", bare)) >= 2
    p = _patterns()
    if kind == "time":  # "7 giờ", "7h30", and in words "bảy giờ sáng"
        return bool(p["time"].search(text)) or any(m.family == "hour" for m in mentions(text))
    if kind == "date" and _event_time().search(text):
        return True  # "đến khi tổ chức thành công Đại hội": a point in time given by an event
    if kind in ("day", "month", "year", "date", "frequency", "contact"):
        return bool(p[kind].search(text))
    if kind == "deadline":
        return bool(p["date"].search(text)) or holds("duration", text, question)
    if kind == "duration":  # "03 ngày", "hai năm", "30 tháng": a length of time, not a date
        return any(m.family in TIME_FAMILIES for m in mentions(text))
    if kind == "amount":
        return amount_of(measure, text, question) if measure else any_number(text)
    if kind == "percent":
        return amount_of("percent", text, question)
    if kind == "person":
        return has_person(text, question)
    if kind == "agent":
        return has_body_or_person(text, question)
    if kind == "place":
        return has_place(text, question)
    if kind == "which_place":
        return has_name(text, question, measure or "")
    if kind == "document":
        return has_document_number(text, question)
    return True


@lru_cache(maxsize=1)
def _receives() -> re.Pattern:
    """"X được (hưởng|nhận) <payment>", accents typed or not."""
    payments_ = lexicon.alternation("payments", "family", key="payment", folded=True)
    return re.compile(rf"^(.{{3,120}}?)\s+(?:được|đươc|duoc)\s+(?:(?:hưởng|huong|nhận|nhan)\s+)?(?:{payments_})",
                      re.IGNORECASE)


def recipient(text: str, content_terms) -> set[str]:
    """Folded content words of who receives a payment in "X được hỗ trợ …" (empty when the
    text does not say it that way). ``content_terms`` is :func:`assistant.query.content_terms`."""
    m = _receives().search(text.strip())
    if not m:
        return set()
    noise = {fold_diacritics(w) for w in ("mỗi", "các", "những", "xã", "thôn", "tỉnh", "người")}
    return {fold_diacritics(t) for t in content_terms(m.group(1))} - noise
