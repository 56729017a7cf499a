"""From what the user typed to what retrieval searches for.

* NFC and whitespace normalisation;
* domain abbreviations matched both ways from ``lexicon/abbreviations.tsv``
  ("NTM" ⇄ "nông thôn mới"), accent-insensitively ("ubnd", "nong thon moi");
* follow-up condensation: an elliptical question ("Còn thời hạn nộp thì sao?")
  is joined to the previous user turn so that it stands alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Sequence

from assistant import lexicon
from ingest.normalize import fold_diacritics, has_diacritics, nfc, normalize_inline, syllables

def _stopwords() -> tuple[frozenset[str], frozenset[str]]:
    """Words that carry no topic (``lexicon/stopwords.tsv``), as written and, for questions typed
    without accents, the folded forms that are unambiguous. Compared as written when the text has
    accents: folded, many collide with content words ("thì"/"thi đua", "tôi"/"tối thiểu")."""
    data = lexicon.rows("stopwords")
    return (frozenset(nfc(r["word"]) for r in data),
            frozenset(fold_diacritics(r["word"]) for r in data if r["fold"] == "yes"))


STOPWORDS, STOPWORDS_FOLDED = _stopwords()
_FOLLOW_UP_MARKERS = re.compile(
    r"^(còn|vậy|thế|thì|nếu vậy|trường hợp đó|ngoài ra|thêm)\b|\b(thì sao|này|nữa)\b\??$|"
    r"\b(đó|ấy|nói trên|vừa rồi|như vậy|trường hợp này|việc này|văn bản này|hội nghị này)\b",
    re.IGNORECASE)
# the same typed without accents, where unambiguous: "con" opening a question in a conversation
# is "còn"; "do" (đó / do) and "nay" (này / nay) are left to the accent-restored reading
_FOLLOW_UP_MARKERS_FOLDED = re.compile(
    r"^(con|the con|vay con|vay thi|neu vay|ngoai ra)\b|\b(thi sao)\b\??$|\b(noi tren|vua roi)\b", re.IGNORECASE)
_SHORT_QUESTION = 7


@dataclass(frozen=True)
class Abbreviation:
    short: str
    expansion: str


@lru_cache(maxsize=1)
def abbreviations() -> tuple[Abbreviation, ...]:
    """The abbreviation dictionary, read once from ``assistant/lexicon/abbreviations.tsv``."""
    return tuple(Abbreviation(r["abbreviation"], r["expansion"]) for r in lexicon.rows("abbreviations"))


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """Groups of interchangeable phrases, read once from ``assistant/lexicon/synonyms.tsv``."""
    return tuple(tuple(p.strip() for p in r["group"].split("|") if p.strip()) for r in lexicon.rows("synonyms"))


@lru_cache(maxsize=1)
def _synonym_forms() -> tuple[tuple[str, ...], ...]:
    """Each synonym group's phrases as folded, space-padded word strings (for matching)."""
    return tuple(tuple(" " + " ".join(_folded_words(p)) + " " for p in group) for group in synonym_groups())


@lru_cache(maxsize=1)
def _abbreviation_forms() -> tuple[tuple[Abbreviation, str, str], ...]:
    """Each abbreviation with its short and long forms as folded, space-padded word strings."""
    forms = []
    for entry in abbreviations():
        short = fold_diacritics(entry.short.lower()).replace("-", " ")
        forms.append((entry, f" {' '.join(short.split())} ", " " + " ".join(_folded_words(entry.expansion)) + " "))
    return tuple(forms)


def expand_synonyms(text: str) -> list[str]:
    """Phrases of the same synonym group as a phrase in ``text`` (accent-insensitive,
    whole words), for the keyword query."""
    joined = " " + " ".join(_folded_words(text)) + " "
    added: list[str] = []
    for group, forms in zip(synonym_groups(), _synonym_forms()):
        if any(f in joined for f in forms):
            added.extend(p for p, f in zip(group, forms) if f not in joined)
    return list(dict.fromkeys(added))


def synonym_words(words: Sequence[str], fold: bool = True) -> set[str]:
    """Syllables of the synonym phrases that ``words`` (a text's syllables, folded or
    lower-case as written) stand for: a text saying "mức thấp nhất" also says "tối thiểu"
    and "ít nhất", so a question's "tối thiểu" counts as covered by it. Folded when
    ``fold``, else as written in ``assistant/lexicon/synonyms.tsv`` and matched with accents.
    With ``fold``, ``words`` must be folded too."""
    joined = " " + " ".join(words) + " "
    found: set[str] = set()
    for group, forms in zip(synonym_groups(), _synonym_forms() if fold else _synonym_forms_as_written()):
        if any(f in joined for f in forms):
            for phrase in group:
                found.update(fold_diacritics(w) if fold else w for w in syllables(phrase))
    return found


@lru_cache(maxsize=1)
def _synonym_forms_as_written() -> tuple[tuple[str, ...], ...]:
    """Each synonym group's phrases as lower-case, space-padded word strings with their
    accents ("họp" is not the "hợp" of "tổng hợp")."""
    return tuple(tuple(" " + " ".join(syllables(p)) + " " for p in group) for group in synonym_groups())


def _folded_words(text: str) -> list[str]:
    return [fold_diacritics(s) for s in syllables(text)]


def expand_abbreviations(text: str) -> list[str]:
    """Terms to add to ``text`` so that abbreviations match their expansions both ways.

    Returns expansions of abbreviations present in ``text`` (compared case- and
    accent-insensitively as whole words) and abbreviations whose expansion is present.
    """
    words = _folded_words(text)
    joined = " " + " ".join(words) + " "
    added: list[str] = []
    for entry, short_form, long_form in _abbreviation_forms():
        if short_form in joined and long_form not in joined:
            added.append(entry.expansion)
        elif long_form in joined and short_form not in joined:
            added.append(entry.short)
    return list(dict.fromkeys(added))


# Interrogative phrases say what kind of answer is wanted, not what it is about.
_INTERROGATIVES = [p.split() for p in """
vao thoi gian nao|trong khoang thoi gian nao|khoang thoi gian nao|thoi gian nao|thoi diem nao|khi nao|
luc nao|bao gio|ngay nao|nam nao|thang nao|bao nhieu|bao lau|la gi|nhu the nao|the nao|ra sao|o dau|
la ai|nhung gi|nhung ai|gom nhung|co phai|hay khong|duoc khong|co duoc|muon nhat|som nhat
""".replace("\n", "").split("|") if p.strip()]


def _interrogative_positions(words: list[str]) -> set[int]:
    """Indices of ``words`` (folded) that belong to an interrogative phrase."""
    covered: set[int] = set()
    i = 0
    while i < len(words):
        for phrase in _INTERROGATIVES:
            if words[i:i + len(phrase)] == phrase:
                covered.update(range(i, i + len(phrase)))
                i += len(phrase)
                break
        else:
            i += 1
    return covered


def expansions_of(text: str) -> list[str]:
    """Expansions of the abbreviations ``text`` contains ("ĐBQH đi TXCT" → ["đại biểu Quốc hội",
    "tiếp xúc cử tri"]), compared case- and accent-insensitively as whole words."""
    words = " " + " ".join(_folded_words(text)) + " "
    return [entry.expansion for entry, short, _long in _abbreviation_forms() if short in words]


def with_expansions(text: str) -> str:
    """``text`` followed by the expansions of the abbreviations in it ("ĐBQH đi TXCT" →
    "ĐBQH đi TXCT đại biểu Quốc hội tiếp xúc cử tri"), so that term matching treats an
    abbreviation and its expansion alike on both sides."""
    found = expansions_of(text)
    return " ".join([text, *found]) if found else text


def content_terms(text: str, fold: bool = True) -> list[str]:
    """Syllables of ``text`` that carry topic, in order: accent-folded, or with
    ``fold=False`` as written (lower-case NFC).

    Interrogative phrases ("vào thời gian nào", "bao nhiêu", "là ai") and stopwords
    are removed: they tell the kind of answer, which the composer checks separately.
    """
    words = syllables(text)
    folded = [fold_diacritics(w) for w in words]
    skip = _interrogative_positions(folded)
    accented = has_diacritics(text)
    return [(f if fold else w) for i, (w, f) in enumerate(zip(words, folded))
            if i not in skip and (w not in STOPWORDS if accented else f not in STOPWORDS_FOLDED)]


def is_follow_up(question: str) -> bool:
    """True when ``question`` needs the conversation to make sense.

    Heuristic: it starts or ends with a Vietnamese follow-up marker ("Còn …",
    "… thì sao?", also typed "con …", "… thi sao?"), refers back ("hội nghị đó", "nói
    trên"), or has fewer than 7 syllables.
    """
    q = question.strip()
    if not has_diacritics(q) and _FOLLOW_UP_MARKERS_FOLDED.search(q):
        return True
    return bool(_FOLLOW_UP_MARKERS.search(q)) or len(syllables(q)) < _SHORT_QUESTION


_DOC_TYPE_WORDS = (r"luật|bộ luật|nghị định|nghị quyết liên tịch|nghị quyết|quyết định|thông tư liên tịch|thông tư|"
                   r"kế hoạch|hướng dẫn|công văn|chỉ thị|kết luận|thông báo|quy định|nđ|nq|nqlt|qđ|tt|ttlt|kh|hd|"
                   r"cv|ct|kl|tb")
_REF_FULL = re.compile(r"(?<![\w/])(\d{1,5}(?:/\d{4})?[/-][A-ZĐa-zđ][\wĐđ&.-]*(?:/[\wĐđ&.-]+)*)")
_REF_TYPED = re.compile(r"\b(?:" + _DOC_TYPE_WORDS + r")\s+(?:số\s+)?(\d{1,5})\b", re.IGNORECASE)


def document_refs(text: str) -> list[str]:
    """Document numbers a question names: whole số hiệu ("102/2025/NQLT-UBTVQH15",
    "301-QĐ/TW") and numbers after a document type ("Quyết định 318" → "318")."""
    refs = [m.group(1).rstrip(".,;") for m in _REF_FULL.finditer(text)]
    leading = {re.split(r"[/-]", r)[0] for r in refs}
    refs += [m.group(1) for m in _REF_TYPED.finditer(text) if m.group(1) not in leading]
    return list(dict.fromkeys(refs))


@dataclass
class SearchQuery:
    """The queries sent to each retriever, derived from one user turn."""

    standalone: str  # what the user asked, made to stand alone
    dense: str  # embedded as the e5 query
    keyword: str  # analysed for BM25: standalone plus abbreviation expansions
    refs: list[str] = field(default_factory=list)  # document numbers named in the question


def build_query(question: str, history: list[dict] | None = None,
                restore: Callable[[str], str] | None = None) -> SearchQuery:
    """Build the retrieval queries for ``question`` given earlier turns.

    Args:
        question: the user's text.
        history: earlier turns as ``[{"role": "user"|"assistant", "content": str}]``,
            oldest first.
        restore: restores accents of an unaccented text (see
            :class:`assistant.diacritics.DiacriticRestorer`); the restored reading is
            what the dense encoder sees, and is added to the keyword query.
    """
    q = normalize_inline(question)
    standalone = q
    # typed without accents, the markers ("còn", "đó") are read on the restored question
    if history and (is_follow_up(q) or (restore is not None and not has_diacritics(q) and is_follow_up(restore(q)))):
        previous = [normalize_inline(t.get("content", "")) for t in history if t.get("role") == "user"]
        previous = [p for p in previous if p]
        if previous:
            standalone = f"{previous[-1]} {q}"
    restored = restore(standalone) if restore and not has_diacritics(standalone) else standalone
    extra = expand_abbreviations(standalone)
    keyword = " ".join([standalone, *([restored] if restored != standalone else []), *extra,
                        *expand_synonyms(restored)])
    dense = f"{restored} ({'; '.join(extra)})" if extra else restored
    return SearchQuery(standalone=standalone, dense=dense, keyword=keyword, refs=document_refs(standalone))
