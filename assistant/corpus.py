"""The corpus counts the assistant reads at start-up, as a profile the store keeps.

Term statistics (IDF), the accent restorer and the corpus part of the place gazetteer (the
names the texts give after an administrative word; the assistant adds the national list of
provinces and cities, :func:`assistant.places.national_names`) are counted over every
chunk. With the embedded index that is done once per process; with PostgreSQL the store
keeps the counts up to date at each change (see
:class:`vectorstore.stores.base.CorpusProfile`), so a worker reads them instead of every
chunk.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from assistant.places import corpus_places
from ingest.normalize import fold_diacritics, syllables
from ingest.types import Chunk

DF, UNIGRAMS, BIGRAMS, PLACES = "df", "unigrams", "bigrams", "places"


class AssistantProfile:
    """Counts per chunk: ``df`` (accent-folded syllable → chunks holding it), ``unigrams``
    (syllable → occurrences), ``bigrams`` ("a b" → occurrences of the adjacent pair) over
    the chunks' context text, and ``places`` (name after an administrative word → chunks naming
    it, :func:`assistant.places.corpus_places`)."""

    # bump when what is counted changes: stores recount
    # (2: places after the administrative words of ingest/data/admin_units.tsv, without the national list)
    version = "assistant-2"

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
            places.update(corpus_places([chunk.text]))
        return {DF: df, UNIGRAMS: unigrams, BIGRAMS: bigrams, PLACES: places}


PROFILE = AssistantProfile()
