"""Where and when a question is about, and whether a passage's sentence is about the same.

A question names places ("xã Lương Minh", "ở Đắk Lắk", "Hà Nam đã chi …") and years
("năm 2024"); an answer taken from a sentence about another commune or another year is
wrong however well its words match, so the answer step keeps only sentences anchored to
what was asked (see :class:`PlaceCheck` and :func:`dated`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence

from assistant import lexicon
from ingest.gazetteer import admin_units, places as national_places
from assistant.query import STOPWORDS, abbreviations
from ingest.normalize import fold_diacritics, has_diacritics, normalize_inline
from vectorstore.retriever import Hit

_PLACE_PREPOSITIONS = {"ở", "tại", "của"}
_MAX_NAME_WORDS = 4
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")


@lru_cache(maxsize=1)
def _admin() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Administrative words before a place name (``ingest/data/admin_units.tsv``, shared with
    ingestion's title casing): as written, folded, and the folded units of at most two words
    ("khu dân cư văn hóa", "tổ dân phố kiểu mẫu" are often no names, so typed in capitals they are
    not cut to two words)."""
    units = [" ".join(u) for u in admin_units()]
    written = frozenset(units)
    folded = frozenset(fold_diacritics(u) for u in units)
    proper = frozenset(fold_diacritics(u) for u in units if len(u.split()) <= 2)
    return written, folded, proper


@lru_cache(maxsize=1)
def _not_places() -> tuple[frozenset[str], frozenset[str]]:
    """First words of names that are no places (``lexicon/name_heads.tsv``), as written and folded."""
    words = [r["word"] for r in lexicon.rows("name_heads")]
    return frozenset(words), frozenset(fold_diacritics(w) for w in words)


@lru_cache(maxsize=1)
def _name_enders() -> frozenset[str]:
    return frozenset(fold_diacritics(r["word"]) for r in lexicon.rows("name_enders"))


def _is_name_word(word: str) -> bool:
    return bool(word) and word[0].isupper() and not word.isupper()


_PLACE_PREPOSITIONS_FOLDED = frozenset(fold_diacritics(w) for w in _PLACE_PREPOSITIONS)


def _in(words: list[str], vocabulary: set[str], folded: frozenset[str]) -> bool:
    """``words`` form a phrase of ``vocabulary``: compared with accents when typed with
    them ("Tĩnh" is not "tỉnh"), else with its accent-``folded`` forms ("xa" is "xã")."""
    phrase = " ".join(w.lower() for w in words)
    return phrase in (vocabulary if has_diacritics(phrase) else folded)


def as_written(question: str) -> str:
    """``question`` with each word capitalised if it was typed in capitals only ("XÃ PHÚ LỘC
    CÓ BAO NHIÊU …" → "Xã Phú Lộc có bao Nhiêu …"), so that its places can be told; any
    other question unchanged. Known abbreviations stay in capitals ("HĐND" is no name), and
    typed without accents the function words that end a name are lower-cased; a name may
    still run on into the next words ("Phú Lộc Làm Mới"), which :func:`place_names` cuts."""
    if not _in_capitals(question):
        return question
    out = []
    for w in question.split():
        bare = w.strip(".,;:!?()“”\"'")
        if fold_diacritics(bare.lower()) in _abbreviations_folded():
            out.append(w)
        elif not has_diacritics(w) and w.lower() in _name_enders():
            out.append(w.lower())
        else:
            out.append(w[:1].upper() + w[1:].lower())
    return " ".join(out)


def _in_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 6 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


@lru_cache(maxsize=1)
def _abbreviations_folded() -> frozenset[str]:
    return frozenset(fold_diacritics(a.short.lower()) for a in abbreviations())


@lru_cache(maxsize=1)
def _gazetteer_name() -> re.Pattern:
    units = sorted(_admin()[0], key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(u) for u in units) + r")((?:\s+\w+){1,4})", re.IGNORECASE)


def gazetteer(texts: Iterable[str]) -> frozenset[str]:
    """Accent-folded, lower-case place names: the national list of provinces and cities
    (:func:`national_names`) and the names the texts give after an administrative word
    (:func:`corpus_places`). What tells where a name typed in capitals ends ("phu loc"
    is a name, "phu loc lam moi" is not)."""
    return national_names() | corpus_places(texts)


@lru_cache(maxsize=1)
def national_names() -> frozenset[str]:
    """Accent-folded, lower-case names of the provinces and cities of the national list
    (``ingest/data/places.tsv``: "can tho", "ha noi")."""
    return frozenset(fold_diacritics(p.name.lower()) for p in national_places())


def corpus_places(texts: Iterable[str]) -> frozenset[str]:
    """Accent-folded, lower-case place names the texts give after an administrative word of
    ``ingest/data/admin_units.tsv`` ("xã Phú Lộc" → "phu loc"); the part of
    :func:`gazetteer` that an index counts per chunk (assistant/corpus.py)."""
    names: set[str] = set()
    for text in texts:
        for m in _gazetteer_name().finditer(text):
            words = []
            for w in m.group(1).split():
                if not _is_name_word(w):
                    break
                words.append(fold_diacritics(w.lower()))
            if words:
                names.add(" ".join(words))
    return frozenset(names)


def question_places(question: str, known: frozenset[str] = frozenset()) -> list[tuple[str | None, str]]:
    """:func:`place_mentions` of a question. Typed in capitals, each name is cut to its
    longest start that is a name in ``known`` (a :func:`gazetteer`), else, after an
    administrative word, to its first two words; any other name no document gives is dropped
    ("XÃ GỒM BAO NHIÊU", "MỖI NHÀ ĐẠI ĐOÀN KẾT …" name no place)."""
    if not _in_capitals(question):
        return place_mentions(question)
    mentions = []
    for kind, name in place_mentions(as_written(question)):
        words = name.split()
        folded = fold_diacritics(name.lower()).split()
        cut = next((n for n in range(len(words), 0, -1) if " ".join(folded[:n]) in known), 0)
        if not cut and len(words) >= 2 and kind in _admin()[2]:  # after "xã", "tỉnh"…; "MỖI NHÀ …" is no place
            cut = 2
        if cut:
            mentions.append((kind, " ".join(words[:cut])))
    return mentions


def place_names(question: str, known: frozenset[str] = frozenset()) -> list[str]:
    """The names of :func:`question_places`, in order, without repeats."""
    return list(dict.fromkeys(name for _kind, name in question_places(question, known)))


def place_mentions(question: str) -> list[tuple[str | None, str]]:
    """Places the text is about, each with its kind — the administrative word before it,
    accent-folded ("xa", "tinh"), or None after "ở" / "tại" / "của" or at the start. The places: a capitalised run after an administrative
    word ("xã Lương Minh", "tỉnh Quảng Ninh", also typed "xa Luong Minh"), or of two or more
    words after "ở" / "tại" / "của" or at the start of the question ("Hà Nam đã chi …").

    A name in apposition keeps only its most specific part ("thôn Tây xã An Bình" → "Tây",
    "huyện Lý Nhân, tỉnh Hà Nam" → "Lý Nhân"); names joined by "và" / "hoặc" are each kept
    ("ở Nghệ An và ở Đắk Lắk"). Bodies and documents ("Ban Thường trực", "Luật Mặt trận")
    are not places; a name stops at a function word and after four words (a question Typed
    In Title Case). Names are as written, in order; a text typed without capitals, or in
    capitals only, yields none (a question in capitals goes through :func:`as_written` first).
    """
    raw = normalize_inline(question).split()
    words = [w.strip(".,;:!?()“”\"'") for w in raw]
    folded = [fold_diacritics(w.lower()) for w in words]
    # in a question Typed In Title Case a capital says nothing: a function word ends a name there;
    # elsewhere every capitalised syllable is part of it ("huyện Đông Anh": "anh" is also "you")
    titled = sum(_is_name_word(w) for w in words) > 0.6 * max(1, len(words))
    names: list[tuple[str | None, str]] = []
    chained = False  # a name ended right before this position
    i = 0
    while i < len(words):
        marker_len, minimum, kind = 0, 2, None
        for length in (3, 2, 1):
            if i + length <= len(words) and _in(words[i:i + length], _admin()[0], _admin()[1]) \
                    and not (folded[i] == "thon" and i > 0 and folded[i - 1] == "nong"):  # "nông thôn Mới"
                marker_len, minimum, kind = length, 1, " ".join(folded[i:i + length])
                break
        if not marker_len and _in(words[i:i + 1], _PLACE_PREPOSITIONS, _PLACE_PREPOSITIONS_FOLDED):
            marker_len = 1
        national = _national_name_at(words, i + marker_len)
        body = i > 0 and not marker_len and words[i - 1].isupper() and len(words[i - 1]) > 1  # "HĐND Quảng Ninh"
        if national and not body and (marker_len or i == 0 or _is_name_word(words[i])):
            # a province or city of the national list, whatever words it shares ("Cần Thơ": "cần")
            if not chained:
                names.append((kind, " ".join(words[i + marker_len:i + marker_len + national])))
            chained, i = True, i + marker_len + national
            continue
        start = i + marker_len if marker_len else (0 if i == 0 else -1)
        # after "xã", "tỉnh"… any capitalised run is a place ("xã Đoàn Kết"); elsewhere not a body's name
        if start >= 0 and start < len(words) and (minimum == 1 or not _in(words[start:start + 1], *_not_places())):
            end = start
            while end < len(words) and end - start < _MAX_NAME_WORDS and _is_name_word(words[end]) \
                    and not _in(words[end:end + 1], _admin()[0], _admin()[1]) \
                    and not (titled and words[end].lower() in STOPWORDS):
                end += 1
                if raw[end - 1][-1] in ".,;:!?)”\"'":
                    break  # punctuation ends a name
            if end - start >= minimum and not (start == 0 and words[0].lower() in STOPWORDS):
                if not chained:  # in "thôn Tây xã An Bình" the first name is the subject
                    names.append((kind, " ".join(words[start:end])))
                chained, i = True, end
                continue
        chained = False  # any other word between two names ("và", "ở") makes them separate
        i += 1
    return names


@lru_cache(maxsize=1)
def _national_names() -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(fold_diacritics(p.name.lower()).split()) for p in national_places())


def _national_name_at(words: list[str], i: int) -> int:
    """How many of ``words`` from ``i`` spell a province or city of the national list as a name
    (capitalised), 0 if none."""
    for n in (4, 3, 2):
        chunk = words[i:i + n]
        if len(chunk) == n and all(_is_name_word(w) or w.isupper() for w in chunk) \
                and tuple(fold_diacritics(w.lower()) for w in chunk) in _national_names():
            return n
    return 0


def years_named(question: str) -> list[str]:
    """Years (1900–2099) the question names ("năm 2024", "giai đoạn 2018-2020", "3/2021")."""
    return list(dict.fromkeys(_YEAR.findall(question)))



def document_where(hit: Hit) -> tuple[str, str]:
    """What says where and when a unit's document is from: its title, headings, số hiệu, date
    and issuer (a plan titled without its commune names it in the letterhead: "ỦY BAN MTTQ VIỆT
    NAM XÃ HÒA PHONG"); and its file name (not its folders: every file of "…_xa_Luong_Minh/" is not about
    Lương Minh)."""
    meta = hit.chunk.metadata
    source = str(meta.get("source") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return (" ".join([*hit.chunk.heading_path, *(str(meta.get(k) or "") for k in ("title", "so_hieu", "date", "issuer"))]),
            source.replace("_", " ").replace("-", " "))


def _names(text: str, place: str, fold: bool) -> bool:
    """``text`` names ``place`` as a name: capitalised as in the question, so that "Đoàn Kết" is
    not found in "đại đoàn kết"; in capitals only after its administrative word ("XÃ ĐOÀN KẾT",
    not "TOÀN DÂN ĐOÀN KẾT", where capitals tell no name from a word); accent-folded when
    ``fold``."""
    if fold:
        text, place = fold_diacritics(text), fold_diacritics(place)
    if re.search(rf"(?<!\w){re.escape(place)}(?!\w)", text):
        return True
    return bool(_capitals_name(place.upper(), fold).search(text))


@lru_cache(maxsize=256)
def _capitals_name(name: str, fold: bool) -> re.Pattern:
    """``name`` (in capitals) after an administrative word in capitals ("XÃ ĐOÀN KẾT")."""
    units = _admin()[1] if fold else _admin()[0]
    heads = "|".join(re.escape(u.upper()) for u in sorted(units, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{heads})\s+{re.escape(name)}(?!\w)")


def _file_names(file_name: str, place: str) -> bool:
    """A file name names ``place``: capitalised as a name ("xa_Luong_Minh"), or, in a
    lower-case name, after an administrative word ("ke-hoach-xa-an-binh"), so that
    "ngay-hoi-dai-doan-ket" does not name xã Đoàn Kết."""
    folded, name = fold_diacritics(file_name), fold_diacritics(place)
    if folded != folded.lower():
        return bool(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded))
    markers = "|".join(re.escape(u) for u in sorted(_admin()[1], key=len, reverse=True))
    return bool(re.search(rf"(?<!\w)(?:{markers}) {re.escape(name.lower())}(?!\w)", folded))


def _same_place(a: str, b: str) -> bool:
    return fold_diacritics(a.lower()) == fold_diacritics(b.lower())


class PlaceCheck:
    """Whether a unit may answer a question about ``places``.

    A unit answers if it names one of the places (as a name, capitalised), or its document's
    title, headings or file name does and the unit names no other place of the same kind,
    or it names no other place and its passage names one and no other.

    Args:
        places: the place names the question is about (:func:`place_names`).
        fold: compare accent-folded (the question was typed without accents).
        kinds: the administrative words the question put before its places ("xa", "tinh").
    """

    def __init__(self, places: Sequence[str], fold: bool, kinds: Sequence[str] = ()) -> None:
        self.places = list(places)
        self.fold = fold
        self.kinds = set(kinds)  # administrative words the question put before its places
        self._passages: dict[int, bool] = {}

    def _others(self, text: str, same_kind: bool = False) -> bool:
        """``text`` names a place the question is not about (with ``same_kind``: one of the
        same kind, "xã Phú Mỹ" for a question about "xã Tân Lập")."""
        return any(not any(_same_place(name, p) for p in self.places) and (not same_kind or kind in self.kinds)
                   for kind, name in place_mentions(text))

    def allows(self, unit: str, hit_index: int, hit: Hit, where: tuple[str, str]) -> bool:
        """True when ``unit``, from ``hit`` (the ``hit_index``-th passage, whose document is
        described by ``where`` from :func:`document_where`), may answer."""
        if not self.places:
            return True
        if any(_names(unit, p, self.fold) for p in self.places):
            return True
        described, file_name = where
        if any(_names(described, p, self.fold) or _file_names(file_name, p) for p in self.places):
            # a document about the place: the communes of a province it names lie in it, but
            # "Trong khi đó, xã Phú Mỹ …" in a report on xã Tân Lập is about the neighbour
            return not self._others(unit, same_kind=True)
        if self._others(unit):  # a sentence about Nam Định does not answer for Hà Nam
            return False
        if hit_index not in self._passages:  # named elsewhere in a passage about no other place
            text = hit.passage.text
            self._passages[hit_index] = any(_names(text, p, self.fold) for p in self.places) and not self._others(text)
        return self._passages[hit_index]


def dated(where: tuple[str, str], passage: str, years: Sequence[str]) -> bool:
    """The passage or its document names one of ``years`` (a year usually scopes a whole
    section: "Mục tiêu đến năm 2030")."""
    if not years:
        return True
    text = " ".join([passage, *where])
    return any(re.search(rf"(?<!\d){y}(?!\d)", text) for y in years)
