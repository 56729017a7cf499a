"""Diacritic restoration for questions typed without accents, learned from the corpus.

"ha nam la tinh thu may" has many readings (hà/hạ/hả, nam/nắm/nằm…). The corpus
itself says which are likely: each folded syllable's accented forms and their
counts, and counts of adjacent accented pairs. The most probable reading is found
with the Viterbi algorithm over a bigram model with add-k smoothing (Jurafsky &
Martin, *Speech and Language Processing*, ch. 3 and 8). The dense encoder, which
reads unaccented Vietnamese poorly, then sees the restored question.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from typing import Iterable, Sequence

from assistant import lexicon
from ingest.normalize import fold_diacritics, has_diacritics, syllables

_TOKEN = re.compile(r"\w+", re.UNICODE)
_MAX_CANDIDATES = 6
_ADD_K = 0.1
# Question phrasing is rare in documents but common in questions: seed its counts so "thu may"
# reads "thứ mấy", "la gi" "là gì", "thon toi" "thôn tôi" (lexicon/restorer_seeds.tsv).
_QUESTION_PHRASES = tuple(r["phrase"] for r in lexicon.rows("restorer_seeds"))
_SEED_WEIGHT = 20


class DiacriticRestorer:
    """Restores accents on unaccented text using syllable and bigram counts."""

    def __init__(self, unigrams: Counter[str], bigrams: Counter[tuple[str, str]]) -> None:
        self.unigrams = unigrams
        self.bigrams = bigrams
        forms: dict[str, list[str]] = defaultdict(list)
        for word, _count in unigrams.most_common():
            folded = fold_diacritics(word)
            if len(forms[folded]) < _MAX_CANDIDATES:
                forms[folded].append(word)
        self.forms = dict(forms)
        self.folded_totals: Counter[str] = Counter()
        for word, count in unigrams.items():
            self.folded_totals[fold_diacritics(word)] += count

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> "DiacriticRestorer":
        """Count lower-cased syllables and adjacent pairs in ``texts``."""
        return cls.from_tokens(syllables(t) for t in texts)

    @classmethod
    def from_tokens(cls, token_lists: Iterable[Sequence[str]]) -> "DiacriticRestorer":
        """Like :meth:`from_texts`, for texts already split into lower-case syllables."""
        unigrams: Counter[str] = Counter()
        bigrams: Counter[tuple[str, str]] = Counter()
        for words in token_lists:
            unigrams.update(words)
            bigrams.update(zip(words, words[1:]))
        return cls.from_counts(unigrams, bigrams)

    @classmethod
    def from_counts(cls, unigrams: Counter[str], bigrams: Counter[tuple[str, str]]) -> "DiacriticRestorer":
        """From corpus counts of lower-case syllables and of adjacent pairs (as
        :meth:`from_tokens` counts them); the question phrases are added to copies."""
        unigrams, bigrams = Counter(unigrams), Counter(bigrams)
        for phrase in _QUESTION_PHRASES:
            words = syllables(phrase)
            for word in words:
                unigrams[word] += _SEED_WEIGHT
            for pair in zip(words, words[1:]):
                bigrams[pair] += _SEED_WEIGHT
        return cls(unigrams, bigrams)

    def _emission(self, word: str) -> float:
        return math.log(self.unigrams[word] / self.folded_totals[fold_diacritics(word)])

    def _transition(self, prev: str, word: str) -> float:
        vocab = len(self.forms.get(fold_diacritics(word), ())) or 1
        return math.log((self.bigrams[(prev, word)] + _ADD_K) / (self.unigrams[prev] + _ADD_K * vocab))

    def restore_words(self, words: list[str]) -> list[str]:
        """Most probable accented reading of lower-case unaccented ``words``; a word the
        corpus never saw (numbers, names) stays as it is."""
        lattice = [self.forms.get(w, [w]) for w in words]
        if not lattice:
            return []
        best: list[dict[str, tuple[float, str | None]]] = [
            {c: (self._emission(c) if c in self.unigrams else 0.0, None) for c in lattice[0]}]
        for i in range(1, len(lattice)):
            column: dict[str, tuple[float, str | None]] = {}
            for cand in lattice[i]:
                emit = self._emission(cand) if cand in self.unigrams else 0.0
                scored = [(score + (self._transition(prev, cand) if prev in self.unigrams else 0.0), prev)
                          for prev, (score, _back) in best[-1].items()]
                score, prev = max(scored)
                column[cand] = (score + emit, prev)
            best.append(column)
        word = max(best[-1], key=lambda c: best[-1][c][0])
        out = [word]
        for i in range(len(best) - 1, 0, -1):
            word = best[i][word][1]  # type: ignore[assignment]
            out.append(word)
        return out[::-1]

    def restore(self, text: str) -> str:
        """``text`` with accents restored, or ``text`` unchanged when it has any accent
        already (the user chose the accents)."""
        if has_diacritics(text):
            return text
        words = [m.group(0).lower() for m in _TOKEN.finditer(text)]
        restored = iter(self.restore_words(words))
        return _TOKEN.sub(lambda _m: next(restored), text)
