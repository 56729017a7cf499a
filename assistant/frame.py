"""The question, analysed once: what it is about and what kind of fact it asks.

Every later step (answer units, checks, composition, the search's answer-type boost) reads a
:class:`QuestionFrame` instead of parsing the question again. The frame is built from what the
user typed this turn, its accent-restored reading, and the standalone question that retrieval
used (a follow-up joined to the earlier question). Word lists are the lexicon's
(``assistant/lexicon``): interrogatives → the kind asked, measure words, bounds, payments,
roles, scopes, stances, time words, qualifier families, administrative units.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Protocol

from assistant import lexicon
from assistant.numbers import NumberMention, mentions
from assistant.places import question_places, years_named
from assistant.qualifiers import qualifiers
from assistant.query import content_terms, document_refs, expansions_of, with_expansions
from ingest.normalize import fold_diacritics, has_diacritics, normalize_inline

# measure families a question's own number can be a condition on ("thôn tôi có 150 cử tri")
CONDITION_FAMILIES = frozenset({"people", "household", "commune", "hamlet", "area", "length", "house", "unit",
                                "team", "case", "ballot", "percent"})
_HOW_MANY = frozenset({"bao nhiêu", "mấy"})
_PRECISE_TIMES = frozenset({"day", "month", "year", "time"})
_TIME_MEASURES = frozenset({"day", "week", "month", "year"})


class TermStatistics(Protocol):
    """What the frame needs of corpus statistics: an IDF per folded term."""

    def idf(self, term: str) -> float: ...


@dataclass
class QuestionFrame:
    """One user turn, analysed.

    Attributes:
        turn: what the user typed this turn (NFC, spaces collapsed).
        reading: ``turn`` with accents (restored when typed without any).
        standalone: the question made to stand alone (a follow-up joined to the earlier one).
        accented: the turn was typed with accents (terms are then compared as written, else folded).
        terms: content terms of ``standalone`` and of its abbreviations' expansions, in order
            (folded unless ``accented``); ``weights`` their IDF, the earlier question's terms
            halved in a follow-up that names its own.
        own_terms: the terms of this turn alone.
        asks: the kinds of fact asked, in the order the question asks them (``lexicon/
            interrogatives.tsv``: day, year, amount, person, list, yes_no …); ``asks[0]`` is the
            main one, [] when none is recognised.
        measure: for an amount, the measure family asked ("people", "money", "percent" …).
        measure_word: that measure word as typed ("thành viên"), or "", or for "thôn nào" the
            kind of place asked ("thôn").
        bound: "min" or "max" when the question asks a bound ("tối thiểu", "tối đa").
        numbers: amounts the question itself states ("thôn tôi có 150 cử tri", "dưới 700 hộ"),
            with their comparison: conditions a rule's own condition must allow.
        qualifiers: level, round, term, prize, stars, tier the fact is pinned to.
        places: ``(kind, name)`` of the places the question is about; ``years`` the years it names.
        scope: "national" for "cả nước", "toàn quốc"; else None.
        payments: payments named ("phụ cấp", "thù lao"); ``roles``: roles named ("chủ tịch").
        stance: "target" when the question asks a plan or target, "result" when it asks what was
            done ("đã … được", "thực tế"), None when it says neither.
        current: the question asks the present state ("hiện nay", "bây giờ").
        refs: document numbers named ("Quyết định 318", "102/2025/NQLT-…").
        follow_up: the standalone question joins an earlier one.
        document_facts: what the question asks of a document itself ("issued", "issuer",
            "author", "number": ``lexicon/document_facts.tsv``).
        max_idf: the IDF of a term the index never contains (the scale of :func:`salient_terms`).
        parts: for a question asking several things ("… có mấy xã …, và theo Quyết định 18 thì ai
            có thẩm quyền …?"), one frame per part (:func:`question_parts`); each part keeps its
            own kind, places, years, documents and qualifiers, and the other parts' words at half
            weight. Empty for a question asking one thing.
        articles: the numbers of the articles (Điều) the question names ("Điều 3 quy định gì?",
            "điểm b Điều 3") → ["3"].
        condition_terms: the terms that state the question's own conditions ("trên", "3" of
            "trên 3%"): a unit whose value meets the condition covers them without the words.
    """

    turn: str
    reading: str
    standalone: str
    accented: bool
    terms: list[str] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    own_terms: set[str] = field(default_factory=set)
    asks: list[str] = field(default_factory=list)
    measure: str | None = None
    measure_word: str = ""
    bound: str | None = None
    numbers: list[NumberMention] = field(default_factory=list)
    qualifiers: dict[str, set[str]] = field(default_factory=dict)
    places: list[tuple[str | None, str]] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    scope: str | None = None
    payments: set[str] = field(default_factory=set)
    roles: list[str] = field(default_factory=list)
    stance: str | None = None
    current: bool = False
    refs: list[str] = field(default_factory=list)
    follow_up: bool = False
    document_facts: set[str] = field(default_factory=set)
    max_idf: float = 1.0
    parts: list["QuestionFrame"] = field(default_factory=list)
    condition_terms: set[str] = field(default_factory=set)
    articles: list[str] = field(default_factory=list)

    @property
    def bare_topic(self) -> bool:
        """The turn names a topic and asks nothing of it ("NTM?", "Quỹ Vì người nghèo"): no
        interrogative, at most five words, not a follow-up."""
        return not self.asks and not self.follow_up and len(self.turn.split()) <= 5 and bool(self.weights)

    @property
    def kind(self) -> str | None:
        """The main kind of fact asked, or None."""
        return self.asks[0] if self.asks else None

    @property
    def place_names(self) -> list[str]:
        return list(dict.fromkeys(name for _kind, name in self.places))

    def describe(self) -> dict:
        """A JSON-ready summary (for ``--explain`` and the API's debug field)."""
        return {"asks": self.asks, "measure": self.measure, "bound": self.bound,
                "numbers": [f"{m.op}{m.value:g} {m.noun}".strip() for m in self.numbers],
                "qualifiers": {k: sorted(v) for k, v in self.qualifiers.items()},
                "places": self.place_names, "years": self.years, "scope": self.scope,
                "payments": sorted(self.payments), "roles": self.roles, "stance": self.stance,
                "current": self.current, "refs": self.refs, "follow_up": self.follow_up,
                "document_facts": sorted(self.document_facts), "articles": self.articles,
                "parts": [p.turn for p in self.parts],
                "terms": {t: round(w, 2) for t, w in self.weights.items()}}


@lru_cache(maxsize=1)
def _interrogatives() -> lexicon.PhraseTable:
    return lexicon.table("interrogatives", "asks")


@lru_cache(maxsize=1)
def _word_class() -> dict[str, str]:
    return lexicon.column("interrogatives", "phrase", "class")


@lru_cache(maxsize=1)
def _measures() -> lexicon.PhraseTable:
    return lexicon.table("measures", "family")


def asked_kinds(reading: str, turn: str | None = None) -> tuple[list[str], str | None, str]:
    """The kinds of fact a question asks, in order, and for an amount its measure family and
    word: "UBBC gồm bao nhiêu thành viên, ai ra quyết định?" → (["amount", "agent"], "people",
    "thành viên"). ``reading`` has accents; ``turn`` is what was typed (matched folded too).

    "bao nhiêu" / "mấy" followed by a time measure ("bao nhiêu ngày") asks a duration; by
    "phần trăm" a percent; with no measure but a payment named, money. A question ending in
    "không?" asks yes or no.
    """
    tokens = lexicon.words(reading)
    accented = has_diacritics(reading)
    found = _interrogatives().find(tokens, accented=accented)
    if turn is not None and not has_diacritics(turn):
        seen = {(m.start, m.end) for m in found}
        found += [m for m in _interrogatives().find(lexicon.words(turn), accented=False) if (m.start, m.end) not in seen]
        found.sort(key=lambda m: m.start)
    if any(_word_class().get(m.phrase) != "noun" for m in found):
        found = [m for m in found if _word_class().get(m.phrase) != "noun"]
    gapped = _gapped(tokens)
    if gapped is not None:
        # a phrase overlapping the gapped one is part of it ("bao lâu" of "bao lâu … một lần")
        found = sorted([m for m in found if m.end <= gapped.start or m.start >= gapped.end] + [gapped],
                       key=lambda m: m.start)
    kinds: list[str] = []
    measure, measure_word = None, ""
    for m in found:
        kind = m.value
        if kind == "amount" and m.phrase in _HOW_MANY:
            after = _measures().find(tokens[m.end:m.end + 3], accented=accented)
            # only the word after "bao nhiêu" / "mấy" says what is counted: the one before is
            # the topic ("công dân bao nhiêu tuổi" counts years of age, not citizens)
            hit = next((x for x in after if x.start == 0), None)
            if hit is not None:
                measure, measure_word = hit.value, hit.phrase
                if hit.value == "percent":
                    kind = "percent"
        if kind == "which_place" and not measure_word:
            measure_word = m.phrase.rsplit(" ", 1)[0]  # "thôn nào" asks which thôn
        if kind not in kinds:
            kinds.append(kind)
    if set(kinds) & _PRECISE_TIMES:
        # "muộn nhất là ngày nào?": the day is what is asked; a deadline or date would take any
        kinds = [k for k in kinds if k not in ("deadline", "date")]
    if tokens and tokens[-1] in ("không", "khong") and "yes_no" not in kinds:
        kinds.append("yes_no")
    agent = next((m for m in found if m.value == "agent"), None)
    if agent is not None and "person" not in kinds and any(
            0 <= r.start - agent.end <= 3 for r in lexicon.table("roles").find(tokens, accented=accented)):
        # "cử ai làm Chủ tịch?" asks a name; "Trưởng ban do ai giới thiệu?" asks who decides
        kinds[kinds.index("agent")] = "person"
    nouns = {m.value for m in _measures().find(tokens, accented=accented)}
    if "amount" in kinds and (measure is None or measure in _TIME_MEASURES) and (_payments_named(reading) or "money" in nouns):
        # "góp tài sản tối thiểu bao nhiêu?", "phụ cấp … là bao nhiêu?", "được hỗ trợ hằng tháng bao nhiêu?"
        measure = "money"
    elif "amount" in kinds and measure is None and "percent" in nouns:
        measure = "percent"  # "Tỷ lệ hộ nghèo của thôn Gò Mít là bao nhiêu?"
        kinds[kinds.index("amount")] = "percent"
    return kinds, measure, measure_word


def _gapped(tokens: list[str]) -> lexicon.Match | None:
    """The first gapped interrogative ("những chỉ tiêu gì", ``lexicon/gapped_interrogatives.tsv``)."""
    keys = lexicon.folded(tokens)
    for row in lexicon.rows("gapped_interrogatives"):
        first, last = lexicon.folded([row["first"]])[0], lexicon.folded([row["last"]])[0]
        for i, key in enumerate(keys):
            if key != first:
                continue
            for j in range(i + 2, min(len(keys), i + 2 + int(row["max_gap"]))):
                if keys[j] == last:
                    return lexicon.Match(i, j + 1, f"{row['first']} … {row['last']}", row["asks"])
    return None


def _payments_named(text: str) -> set[str]:
    from assistant.facts import payments_in

    return payments_in(text)


def _phrases(name: str, text: str, value: str | None = None) -> list[str]:
    return [m.value for m in lexicon.table(name, value).search(text)]


def analyse(turn: str, standalone: str, stats: TermStatistics,
            restore: Callable[[str], str] | None = None,
            known_places: frozenset[str] = frozenset()) -> QuestionFrame:
    """Analyse one turn, and each of its parts when it asks several things (:attr:`QuestionFrame.parts`).

    Args:
        turn: what the user typed this turn.
        standalone: the standalone question (:func:`assistant.query.build_query`).
        stats: IDF statistics of the index (:class:`assistant.scoring.TermStats`).
        restore: accent restoration for a turn typed without accents.
        known_places: folded place names of the index (:func:`assistant.places.gazetteer`).
    """
    frame = _analyse(turn, standalone, stats, restore, known_places)
    pieces = question_parts(frame.reading)
    if len(pieces) > 1 and not frame.follow_up:
        for piece in pieces:
            part = _analyse(piece, piece, stats, None, known_places)
            own = set(part.weights)
            # the part's own words count fully, the rest of the question's (its topic) half
            part.weights = {t: w if t in own else 0.5 * w for t, w in frame.weights.items()}
            part.terms = list(part.weights)
            part.accented = frame.accented
            if not (part.places or part.years or part.refs):
                # a part that names no place, year or document keeps the question's ("… phường Bắc Cam
                # Ranh kiểm tra ai, còn giám sát những ai?"); one naming a document has its own scope
                part.places, part.years = frame.places, frame.years
            frame.parts.append(part)
    return frame


_PART_BREAK = re.compile(rf"\s*(?:[;?]|,\s*(?:và|còn)\b|,|\s+và\s+(?=(?:{lexicon.alternation('markers', 'role', 'part_opener')})\b))\s*",
                         re.IGNORECASE)


def question_parts(reading: str) -> list[str]:
    """The parts of a question that asks several things, each with its own interrogative:
    "UBBC gồm bao nhiêu thành viên, ai ra quyết định thành lập?" → ["UBBC gồm bao nhiêu thành
    viên", "ai ra quyết định thành lập"]. Pieces between commas, "và" and ";" that ask nothing
    stay with the piece before them (a list of topics is one question); [reading] when it asks
    one thing."""
    pieces = [p.strip(" ,;?") for p in _PART_BREAK.split(reading) if p and p.strip(" ,;?")]
    parts: list[str] = []
    asking: list[bool] = []  # whether each part asks something of its own
    for n, piece in enumerate(pieces):
        asks = bool(asked_kinds(piece)[0])
        if asks and n < len(pieces) - 1 and _only_indefinite(piece):
            asks = False  # "cùng mấy người Việt chúng tôi góp vốn, …": "mấy" is also "a few"
        if parts and (not asks or not asking[-1]):
            parts[-1] = f"{parts[-1]}, {piece}"
            asking[-1] = asking[-1] or asks
        else:
            parts.append(piece)
            asking.append(asks)
    return parts if len(parts) > 1 else [reading]


_ARTICLE = re.compile(r"\bdieu\s+(\d+)\b", re.IGNORECASE)  # on folded text: "Điều 3", "dieu 3"


def _condition_terms(text: str, numbers: list[NumberMention], fold: bool) -> set[str]:
    """The comparison words (``lexicon/conditions.tsv``) and digits of ``text``'s conditions
    ("trên 3%" → {"trên", "3"}), as :func:`content_terms` spells them."""
    if not any(m.op != "=" for m in numbers):
        return set()
    comparison = {w for row in lexicon.rows("conditions") for w in row["phrase"].split()}
    values = {f"{m.value:g}" for m in numbers if m.op != "="}
    found = set()
    for term in content_terms(text, fold):
        if fold_diacritics(term) in {fold_diacritics(w) for w in comparison} or term.replace(",", ".") in values:
            found.add(term)
    return found


def _only_indefinite(piece: str) -> bool:
    """The piece's only interrogative is "mấy", which is also the indefinite "a few"."""
    found = _interrogatives().search(piece)
    return bool(found) and all(m.phrase == "mấy" for m in found)


def _analyse(turn: str, standalone: str, stats: TermStatistics, restore: Callable[[str], str] | None,
             known_places: frozenset[str]) -> QuestionFrame:
    turn = normalize_inline(turn)
    standalone = normalize_inline(standalone) or turn
    accented = has_diacritics(standalone)
    reading = turn if has_diacritics(turn) or restore is None else restore(turn)
    standalone_reading = standalone if has_diacritics(standalone) or restore is None else restore(standalone)
    fold = not accented
    terms = [t for t in content_terms(standalone, fold) if fold_diacritics(t) not in _abbreviation_terms()]
    # a number's topic is judged by its own checks (years, conditions): as a term it counts half
    weights = {t: stats.idf(fold_diacritics(t)) * (0.5 if t.isdigit() else 1.0) for t in dict.fromkeys(terms)}
    # an abbreviation and its expansion are one concept: the expansion's syllables share the weight
    # of one term ("MTTQ" is not worth four terms "mặt trận tổ quốc")
    for expansion in expansions_of(standalone):
        added = [t for t in dict.fromkeys(content_terms(expansion, fold)) if t not in weights]
        for t in added:
            weights[t] = stats.idf(fold_diacritics(t)) / len(added)
    terms = list(weights)
    own = set(content_terms(turn, fold)) | set(content_terms(with_expansions(turn), fold))
    follow_up = _joins_earlier(standalone, turn)
    if follow_up and own & set(weights):
        # "Còn trưởng ban thì sao?": what this turn asks counts fully, the earlier question's
        # topic half, so the answer is not the previous answer again
        weights = {t: w if t in own else 0.5 * w for t, w in weights.items()}
    asks, measure, measure_word = asked_kinds(reading, turn)
    articles = list(dict.fromkeys(_ARTICLE.findall(fold_diacritics(turn)) or _ARTICLE.findall(fold_diacritics(standalone))))
    if articles:
        # "điểm b Điều 3 là gì?" asks what the article's point says, not a definition
        asks = [k for k in asks if k != "definition"]
    bounds = _phrases("bounds", reading, "bound")
    numbers = [m for m in mentions(reading) if m.family in CONDITION_FAMILIES]
    if len(asks) > 1 and any(m.family == "percent" for m in numbers) and "percent" in asks:
        # "Thôn nào có tỷ lệ hộ nghèo trên 3%?": the rate is the condition, the place is asked
        asks = [k for k in asks if k != "percent"]
    # a follow-up that names a place ("Còn xã Phú Lộc thì sao?") replaces the earlier question's
    places = question_places(turn, known_places) or question_places(standalone, known_places)
    if not places and reading != turn:
        places = question_places(reading, known_places)
    stance_words = _phrases("stances", reading, "stance")
    if re.search(rf"\b(?:{lexicon.alternation('markers', 'role', 'year_lead')})\s+(?:năm\s+)?20\d\d\b", reading,
                 re.IGNORECASE):
        stance_words.append("goal")  # "đến 2030 phải … được bao nhiêu?": a deadline's figure is a target
    return QuestionFrame(
        turn=turn, reading=reading, standalone=standalone, accented=accented, terms=list(weights),
        weights=weights, own_terms=own, asks=asks, measure=measure, measure_word=measure_word,
        bound=bounds[0] if bounds else None, numbers=numbers,
        qualifiers=qualifiers(turn) or qualifiers(standalone),
        places=list(dict.fromkeys(places)), years=years_named(turn) or years_named(standalone),
        scope=(_phrases("scopes", standalone_reading, "scope") or [None])[0],
        payments=_payments_named(reading) or _payments_named(standalone_reading),
        roles=_phrases("roles", reading), stance=_stance(stance_words),
        current=bool(_phrases("time_words", reading, "meaning")),
        refs=document_refs(standalone), follow_up=follow_up,
        document_facts=set(_phrases("document_facts", reading, "fact")),
        condition_terms=_condition_terms(standalone, numbers, fold) & set(weights),
        articles=articles,
        max_idf=stats.idf("\0") or 1.0)


def _stance(words: list[str]) -> str | None:
    """"target" for a question about a goal or plan, "result" for one about what was done."""
    if "goal" in words or "plan" in words:
        return "target"
    if "result" in words:
        return "result"
    return None


def _joins_earlier(standalone: str, turn: str) -> bool:
    """``standalone`` is an earlier question with ``turn`` appended (see
    :func:`assistant.query.build_query`); ``turn`` may have had its accents restored."""
    a, b = fold_diacritics(" ".join(standalone.lower().split())), fold_diacritics(" ".join(turn.lower().split()))
    return len(a) > len(b) + 1 and a.endswith(b)


@lru_cache(maxsize=1)
def _abbreviation_terms() -> frozenset[str]:
    from assistant.query import abbreviations

    return frozenset(fold_diacritics(a.short.lower()) for a in abbreviations())


def salient_terms(frame: QuestionFrame, share: float) -> list[str]:
    """The terms a text must contain to be about what the question asks: those whose IDF is at
    least ``share`` of the IDF of a term the index never contains (rare, so specific: the share
    makes the threshold independent of the index's size), place names aside (the place check
    judges them). A ``share`` above 1 gives none."""
    if share > 1:
        return []
    min_idf = share * frame.max_idf
    place_words = {fold_diacritics(w.lower()) for name in frame.place_names for w in re.findall(r"\w+", name)}
    return [t for t, w in frame.weights.items()
            if w >= min_idf and fold_diacritics(t) not in place_words and not t.isdigit()]
