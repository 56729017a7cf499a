"""The corpus counts the assistant reads at start-up, as a profile the store keeps.

Term statistics (IDF), the accent restorer and the place gazetteer are counted over every
chunk. With the embedded index that is done once per process; with PostgreSQL the store
keeps the counts up to date at each change (see
:class:`vectorstore.stores.base.CorpusProfile`), so a worker reads them instead of every
chunk.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from assistant.places import gazetteer
from ingest.normalize import fold_diacritics, syllables
from ingest.types import Chunk

DF, UNIGRAMS, BIGRAMS, PLACES = "df", "unigrams", "bigrams", "places"


class AssistantProfile:
    """Counts per chunk: ``df`` (accent-folded syllable → chunks holding it), ``unigrams``
    (syllable → occurrences), ``bigrams`` ("a b" → occurrences of the adjacent pair) over
    the chunks' context text, and ``places`` (gazetteer name → chunks naming it)."""

    # bump when what is counted changes: stores recount
    version = "assistant-1"

    def count(self, chunks: Iterable[Chunk]) -> dict[str, Counter[str]]:
        df: Counter[str] = Counter()
        unigrams: Counter[str] = Counter()
        bigrams: Counter[str] = Counter()
        places: Counter[str] = Counter()
        for chunk in chunks:
            words = syllables(chunk.context_text)
            df.update({fold_diacritics(w) for w in words})
            unigrams.update(words)
            bigrams.update(f"{a} {b}" for a, b in zip(words, words[1:]))
            places.update(gazetteer([chunk.text]))
        return {DF: df, UNIGRAMS: unigrams, BIGRAMS: bigrams, PLACES: places}


PROFILE = AssistantProfile()
