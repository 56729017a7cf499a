"""PostgreSQL + pgvector store: many API workers, one database that changes live.

Schema ``mttq`` (created by :meth:`PgStore.create`):

- ``documents``: one row per document (metadata as JSONB, its số hiệu/title label, sha256).
- ``chunks``: ``id`` (the row), ``chunk_id``, ``text`` and ``data`` (the rest of
  ``Chunk.to_dict()``: heading path, metadata, blocks), ``section`` (runs of one heading
  path), filter columns, ``embedding vector(dim)`` with an HNSW index (cosine), and the
  keyword side: ``tsv``, a ``tsvector`` of OUR analysed tokens
  (:func:`vectorstore.analysis.analyze`: exact and accent-folded syllables and bigrams,
  positions kept so term frequencies are known) with a GIN index. Built from the tokens
  directly, not by ``to_tsvector``: a parser would split ``~nong_thon``.
- ``keyword_df``: document frequency of each token; with ``state.keyword_tokens`` it gives
  BM25 exactly as the embedded bm25s index computes it (Lucene variant: IDF
  ``ln(1 + (N − df + 0.5)/(df + 0.5))``, term part ``tf / (tf + k1·(1 − b + b·dl/avgdl))``,
  Kamphuis et al. 2020), summed in SQL over the rows the GIN index matches.
- ``corpus_counts``: a reader's corpus profile (the assistant's term statistics, accent
  restorer and gazetteer), kept up to date at each change.
- ``state``: one row: the manifest, the ``generation`` (bumped by every change), counts.

Every change (:meth:`PgStore.apply`) is one transaction under an advisory lock, so a
reader sees a document whole or not at all, and every worker sees it on its next query.
A search runs in one read-only REPEATABLE READ transaction (one snapshot).
"""
from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from ingest.normalize import nfc
from ingest.types import Chunk
from vectorstore.analysis import analyze
from vectorstore.errors import IndexMismatchError, IndexNotFoundError, VectorStoreError
from vectorstore.keyword import B, K1
from vectorstore.stores.base import (ChunkStore, CorpusProfile, CorpusStats, Ranked, clean_filters,
                                     filter_fields, is_full_reference, label_matcher, reference_label, sections_of,
                                     words)

log = logging.getLogger(__name__)

SCHEMA = "mttq"
FORMAT_VERSION = 1
_WRITE_LOCK = 0x6D747471  # pg_advisory_xact_lock key: one writer at a time ("mttq")
_MAX_POSITION = 16383  # tsvector positions are 1…16383
# pgvector defaults (Malkov & Yashunin 2018 HNSW; m = 16, ef_construction = 64); ef_search is
# raised to the ranking depth so that the depth asked for can be returned
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 16, 64, 100
# a token in more chunks than this is not used to find keyword candidates (it still scores
# them): bounds the rows read for a query of only common words in a large database. Above
# every token's df at the corpus sizes of the parity benchmark (docs/scale.md)
MATCH_DF_LIMIT = 50_000
_BULK_ROWS = 20_000  # an import into an empty store this large builds the HNSW index after the rows


class PgError(VectorStoreError):
    """The database refused an operation (connection, permissions, schema)."""

    reason = "database_error"


def _connect_pool(url: str, size: int):
    import psycopg
    from pgvector.psycopg import register_vector
    from psycopg_pool import ConnectionPool

    def configure(conn: psycopg.Connection) -> None:
        register_vector(conn)
        conn.autocommit = True

    try:
        return ConnectionPool(url, min_size=1, max_size=size, configure=configure, open=True, timeout=30,
                              kwargs={"autocommit": True})
    except Exception as exc:  # noqa: BLE001 - named for the operator
        raise PgError(f"cannot connect to PostgreSQL: {exc}") from exc


_DDL = f"""
CREATE EXTENSION IF NOT EXISTS vector;
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SCHEMA}.state (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    manifest jsonb NOT NULL,
    generation bigint NOT NULL DEFAULT 0,
    chunk_count bigint NOT NULL DEFAULT 0,
    document_count bigint NOT NULL DEFAULT 0,
    keyword_tokens bigint NOT NULL DEFAULT 0,
    changed_at timestamptz NOT NULL DEFAULT now(),
    corpus_profile text,
    corpus_generation bigint
);
CREATE TABLE IF NOT EXISTS {SCHEMA}.documents (
    doc_id text PRIMARY KEY,
    metadata jsonb NOT NULL,
    label text NOT NULL,
    sha256 text,
    source text,
    upload_name text,
    chunk_count integer NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS documents_sha256 ON {SCHEMA}.documents (sha256);
CREATE TABLE IF NOT EXISTS {SCHEMA}.chunks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chunk_id text NOT NULL UNIQUE,
    doc_id text NOT NULL REFERENCES {SCHEMA}.documents ON DELETE CASCADE,
    section bigint NOT NULL,
    text text NOT NULL,
    data jsonb NOT NULL,
    doc_type text NOT NULL,
    issuer_words text[] NOT NULL,
    date text,
    embedding vector(%(dimension)s) NOT NULL,
    tsv tsvector NOT NULL,
    kw_len integer NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc_section ON {SCHEMA}.chunks (doc_id, section, id);
CREATE INDEX IF NOT EXISTS chunks_tsv ON {SCHEMA}.chunks USING gin (tsv);
CREATE SEQUENCE IF NOT EXISTS {SCHEMA}.sections;
CREATE TABLE IF NOT EXISTS {SCHEMA}.keyword_df (term text PRIMARY KEY, df integer NOT NULL);
CREATE TABLE IF NOT EXISTS {SCHEMA}.corpus_counts (
    kind text NOT NULL, term text NOT NULL, n bigint NOT NULL, PRIMARY KEY (kind, term));
"""
_HNSW = (f"CREATE INDEX IF NOT EXISTS chunks_embedding ON {SCHEMA}.chunks USING hnsw (embedding vector_cosine_ops) "
         f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})")


def tsvector_literal(tokens: Sequence[str]) -> str:
    """A ``tsvector`` literal of ``tokens`` with their positions (1-based, at most 256 kept
    per token by PostgreSQL; a chunk's analysis stays far below that and below 16383)."""
    positions: dict[str, list[int]] = {}
    for at, token in enumerate(tokens, 1):
        positions.setdefault(token, []).append(min(at, _MAX_POSITION))
    return " ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "':" + ",".join(map(str, p[:256]))
                    for t, p in positions.items())


def _tsquery_literal(terms: Iterable[str], op: str) -> str:
    return f" {op} ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms)


class PgStore(ChunkStore):
    """A :class:`ChunkStore` in PostgreSQL (schema :data:`SCHEMA`); rows are ``chunks.id``.

    Open with :meth:`open` (existing) or :meth:`create`. Thread-safe: a pool of
    connections (``pool_size``) serves the request threads.
    """

    #: "bm25" (the default: the embedded index's BM25, exactly) or "ts_rank" (PostgreSQL's own
    #: ranking of the same tsvector, no IDF: mixed on the benchmarks, docs/scale.md; kept to compare)
    keyword_ranking = "bm25"

    def __init__(self, url: str, pool_size: int = 4) -> None:
        self.url = url
        self._pool = _connect_pool(url, pool_size)
        self._profile: CorpusProfile | None = None
        self._state: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.refresh()

    # -- opening ----------------------------------------------------------------------------
    @classmethod
    def exists(cls, url: str) -> bool:
        """Whether the database at ``url`` holds a store."""
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA}.state",)).fetchone()[0] and \
                conn.execute(f"SELECT count(*) FROM {SCHEMA}.state").fetchone()[0] > 0

    @classmethod
    def open(cls, url: str, *, embedding_model: str | None = None, pool_size: int = 4) -> "PgStore":
        """The store in the database at ``url``.

        Raises:
            IndexNotFoundError: the database holds no store (run ``mttq ingest`` or ``mttq index import``).
            IndexMismatchError: built with another embedding model than ``embedding_model``.
            PgError: the database cannot be reached.
        """
        try:
            found = cls.exists(url)
        except Exception as exc:  # noqa: BLE001
            raise PgError(f"cannot connect to PostgreSQL: {exc}") from exc
        if not found:
            raise IndexNotFoundError("no index in the database: run `mttq ingest PATH` or `mttq index import DIR` "
                                     "with MTTQ_DATABASE_URL set")
        store = cls(url, pool_size)
        model = store.manifest.get("embedding_model")
        if embedding_model and model != embedding_model:
            store.close()
            raise IndexMismatchError(f"the database index was built with {model!r}, not {embedding_model!r}; "
                                     "rebuild it or import an index made with that model")
        return store

    @classmethod
    def create(cls, url: str, *, embedding_model: str, dimension: int, extra: dict[str, Any] | None = None,
               pool_size: int = 4) -> "PgStore":
        """Create the schema for vectors of ``dimension`` made by ``embedding_model`` (an
        existing store is opened instead, and must match).

        Raises:
            IndexMismatchError: the database already holds a store of another model or dimension.
        """
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            conn.execute(_DDL % {"dimension": int(dimension)})
            if conn.execute(f"SELECT count(*) FROM {SCHEMA}.state").fetchone()[0] == 0:
                manifest = {"format_version": FORMAT_VERSION, "embedding_model": embedding_model,
                            "dimension": int(dimension), **(extra or {})}
                conn.execute(f"INSERT INTO {SCHEMA}.state (manifest) VALUES (%s)", (json.dumps(manifest),))
                conn.execute(_HNSW)
        store = cls(url, pool_size)
        if store.manifest.get("embedding_model") != embedding_model or store.manifest.get("dimension") != dimension:
            store.close()
            raise IndexMismatchError(f"the database holds an index of {store.manifest.get('embedding_model')!r} "
                                     f"({store.manifest.get('dimension')} dimensions), not {embedding_model!r}")
        return store

    def close(self) -> None:
        self._pool.close()

    def langchain_vectorstore(self, embeddings: Any, k: int = 4):
        """The chunks as a LangChain ``PGVectorStore`` (langchain-postgres), for LangChain code
        that wants to search this database directly: ``page_content`` is the chunk text,
        ``metadata`` its stored data (heading path, document metadata, blocks) plus ``doc_id``,
        ``doc_type`` and ``date``; dense search uses the HNSW index; its hybrid search reads the
        same ``tsv`` column with ``plainto_tsquery('simple', …)``, which meets the exact
        lower-case syllables of our analysis (not the accent-folded forms and bigrams, and
        ranked by ``ts_rank_cd`` rather than BM25). Read-only use: changes go through
        :meth:`apply`, which keeps the keyword statistics and corpus counts in the same
        transaction — LangChain's writes would bypass them.

        Args:
            embeddings: a LangChain ``Embeddings`` of the index's model (e.g. the
                :class:`vectorstore.embeddings.EmbeddingModel` it was built with).
        """
        from langchain_postgres import PGEngine, PGVectorStore
        from langchain_postgres.v2.hybrid_search_config import HybridSearchConfig

        engine = PGEngine.from_connection_string(url="postgresql+psycopg://" + self.url.split("://", 1)[1])
        return PGVectorStore.create_sync(
            engine, embedding_service=embeddings, table_name="chunks", schema_name=SCHEMA, id_column="chunk_id",
            content_column="text", embedding_column="embedding", metadata_json_column="data",
            metadata_columns=["doc_id", "doc_type", "date"], k=k,
            hybrid_search_config=HybridSearchConfig(tsv_column="tsv", tsv_lang="pg_catalog.simple"))

    @contextmanager
    def _read(self) -> Iterator[Any]:
        """A connection in one read-only snapshot (REPEATABLE READ)."""
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield conn

    # -- state ------------------------------------------------------------------------------
    def refresh(self) -> bool:
        """Read the store's state (one small query); True when it changed since the last read."""
        with self._pool.connection() as conn:
            row = conn.execute(f"SELECT manifest, generation, chunk_count, document_count, keyword_tokens, "
                               f"changed_at, corpus_profile, corpus_generation FROM {SCHEMA}.state").fetchone()
        keys = ("manifest", "generation", "chunk_count", "document_count", "keyword_tokens", "changed_at",
                "corpus_profile", "corpus_generation")
        state = dict(zip(keys, row))
        changed = bool(self._state) and state["generation"] != self._state["generation"]
        self._state = state
        return changed

    def version(self) -> str:
        return str(self._state["generation"])

    @property
    def manifest(self) -> dict[str, Any]:  # type: ignore[override]
        return {**self._state["manifest"], "chunk_count": int(self._state["chunk_count"]),
                "document_count": int(self._state["document_count"]),
                "created_at": self._state["changed_at"].isoformat(timespec="seconds"), "store": "postgresql"}

    def __len__(self) -> int:
        return int(self._state["chunk_count"])

    # -- reading ----------------------------------------------------------------------------
    @staticmethod
    def _where(filters: dict | None, alias: str = "c") -> tuple[str, dict[str, Any]]:
        filters = clean_filters(filters)
        parts, params = [], {}
        if "doc_type" in filters:
            parts.append(f"{alias}.doc_type = %(f_doc_type)s")
            params["f_doc_type"] = str(filters["doc_type"]).lower()
        if "issuer" in filters:
            parts.append(f"{alias}.issuer_words @> %(f_issuer)s::text[]")
            params["f_issuer"] = sorted(words(filters["issuer"]))
        if "date_from" in filters or "date_to" in filters:
            parts.append(f"{alias}.date IS NOT NULL AND {alias}.date >= %(f_from)s AND {alias}.date <= %(f_to)s")
            params["f_from"], params["f_to"] = filters.get("date_from", ""), filters.get("date_to", "9999")
        return (" AND ".join(parts) or "true"), params

    def _bm25_sql(self, selection: str) -> str:
        """BM25 of the rows ``selection`` picks (a WHERE clause over ``c``), best first."""
        if self.keyword_ranking == "ts_rank":
            return (f"SELECT c.id, ts_rank(c.tsv, %(tsq_all)s::tsquery) AS score FROM {SCHEMA}.chunks c "
                    f"WHERE {selection} AND %(terms)s::text[] IS NOT NULL AND %(qtf)s::int[] IS NOT NULL "
                    f"ORDER BY score DESC, c.id")
        return f"""
        WITH st AS (SELECT greatest(chunk_count, 1)::float8 AS n,
                           greatest(keyword_tokens::float8 / greatest(chunk_count, 1), 1e-9) AS avgdl
                    FROM {SCHEMA}.state),
             q AS (SELECT t.term, t.qtf, ln(1 + (st.n - d.df + 0.5) / (d.df + 0.5)) AS idf
                   FROM unnest(%(terms)s::text[], %(qtf)s::int[]) AS t(term, qtf)
                   JOIN {SCHEMA}.keyword_df d ON d.term = t.term, st),
             m AS (SELECT c.id, c.kw_len, ts_filter(setweight(c.tsv, 'A', %(terms)s::text[]), '{{a}}') AS v
                   FROM {SCHEMA}.chunks c WHERE {selection})
        SELECT m.id, sum(q.qtf * q.idf * u.tf / (u.tf + {K1} * (1 - {B} + {B} * m.kw_len / st.avgdl))) AS score
        FROM m CROSS JOIN st
             CROSS JOIN LATERAL (SELECT lexeme, cardinality(positions)::float8 AS tf FROM unnest(m.v)) u
             JOIN q ON q.term = u.lexeme
        GROUP BY m.id ORDER BY score DESC, m.id"""

    def _keyword_terms(self, conn, keyword_query: str) -> tuple[list[str], list[int], list[str]]:
        """Query tokens, their counts in the query, and those used to find candidates."""
        counts = Counter(analyze(keyword_query))
        terms = list(counts)
        if not terms:
            return [], [], []
        rows = conn.execute(f"SELECT term, df FROM {SCHEMA}.keyword_df WHERE term = ANY(%s)", (terms,)).fetchall()
        df = dict(rows)
        known = [t for t in terms if t in df]
        matching = [t for t in known if df[t] <= MATCH_DF_LIMIT] or sorted(known, key=lambda t: df[t])[:3]
        return known, [counts[t] for t in known], matching

    def search(self, vector: np.ndarray, keyword_query: str, depth: int, filters: dict | None = None,
               also: Sequence[int] = ()) -> Ranked:
        where, params = self._where(filters)
        vector = np.asarray(vector, dtype=np.float32).reshape(-1)
        with self._read() as conn:
            conn.execute(f"SET LOCAL hnsw.ef_search = {max(HNSW_EF_SEARCH, int(depth))}")
            if where != "true":  # keep scanning the graph until enough rows pass the filters
                conn.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
            dense = conn.execute(
                f"SELECT c.id, 1 - (c.embedding <=> %(v)s) AS cosine FROM {SCHEMA}.chunks c WHERE {where} "
                f"ORDER BY c.embedding <=> %(v)s LIMIT %(k)s", {**params, "v": vector, "k": int(depth)}).fetchall()
            dense = sorted(((int(r), float(s)) for r, s in dense), key=lambda x: -x[1])
            terms, qtf, matching = self._keyword_terms(conn, keyword_query)
            keyword: list[tuple[int, float]] = []
            if matching:
                sql = self._bm25_sql(f"c.tsv @@ %(tsq)s::tsquery AND {where}") + " LIMIT %(k)s"
                rows = conn.execute(sql, {**params, "terms": terms, "qtf": qtf, "k": int(depth),
                                          "tsq": _tsquery_literal(matching, "|"),
                                          "tsq_all": _tsquery_literal(terms, "|")}).fetchall()
                keyword = [(int(r), float(s)) for r, s in rows if s > 0]
            pool = list(dict.fromkeys([r for r, _s in dense] + [r for r, _s in keyword] + [int(r) for r in also]))
            chunks: dict[int, Chunk] = {}
            cosines: dict[int, float] = {}
            for row, text, data, cosine in conn.execute(
                    f"SELECT id, text, data, 1 - (embedding <=> %(v)s) FROM {SCHEMA}.chunks WHERE id = ANY(%(rows)s)",
                    {"v": vector, "rows": pool}):
                chunks[int(row)] = _chunk(text, data)
                cosines[int(row)] = float(cosine)
            scores = {r: s for r, s in keyword}
            missing = [r for r in pool if r not in scores]
            if missing and terms:
                rows = conn.execute(self._bm25_sql("c.id = ANY(%(rows)s)"),
                                    {"terms": terms, "qtf": qtf, "rows": missing,
                                     "tsq_all": _tsquery_literal(terms, "|")}).fetchall()
                scores.update((int(r), float(s)) for r, s in rows)
        pool = [r for r in pool if r in chunks]  # a row deleted since it was ranked is dropped
        return Ranked([x for x in dense if x[0] in chunks], [x for x in keyword if x[0] in chunks],
                      dense_scores={r: cosines[r] for r in pool}, keyword_scores={r: scores.get(r, 0.0) for r in pool},
                      chunks=chunks)

    def reference_rows(self, refs: Sequence[str], filters: dict | None = None) -> list[int]:
        where, params = self._where(filters)
        found: list[int] = []
        with self._read() as conn:
            for ref in refs:
                ref = nfc(ref).lower()
                matches = label_matcher(ref)
                docs = [d for d, label in conn.execute(
                    f"SELECT doc_id, label FROM {SCHEMA}.documents WHERE strpos(label, %s) > 0", (ref,)) if matches(label)]
                if docs:
                    found += [r for (r,) in conn.execute(
                        f"SELECT c.id FROM {SCHEMA}.chunks c WHERE c.doc_id = ANY(%(docs)s) AND {where} ORDER BY c.id",
                        {**params, "docs": docs})]
                elif is_full_reference(ref):
                    # chunks whose text cites it: its exact tokens (the GIN index), then the text itself
                    exact = [t for t in dict.fromkeys(analyze(ref)) if not t.startswith("~")]
                    if not exact:
                        continue
                    found += [r for r, text in conn.execute(
                        f"SELECT c.id, c.text FROM {SCHEMA}.chunks c WHERE c.tsv @@ %(tsq)s::tsquery AND {where} "
                        f"ORDER BY c.id", {**params, "tsq": _tsquery_literal(exact, "&")}) if ref in text.lower()]
        return list(dict.fromkeys(int(r) for r in found))

    def chunks_at(self, rows: Sequence[int]) -> dict[int, Chunk]:
        with self._pool.connection() as conn:
            return {int(r): _chunk(t, d) for r, t, d in conn.execute(
                f"SELECT id, text, data FROM {SCHEMA}.chunks WHERE id = ANY(%s)", (list(rows),))}

    def row_of(self, chunk_id: str) -> int | None:
        with self._pool.connection() as conn:
            row = conn.execute(f"SELECT id FROM {SCHEMA}.chunks WHERE chunk_id = %s", (chunk_id,)).fetchone()
        return None if row is None else int(row[0])

    def section(self, row: int) -> list[tuple[int, Chunk]]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                f"SELECT s.id, s.text, s.data FROM {SCHEMA}.chunks c JOIN {SCHEMA}.chunks s "
                f"ON s.doc_id = c.doc_id AND s.section = c.section WHERE c.id = %s ORDER BY s.id", (row,)).fetchall()
        return [(int(r), _chunk(t, d)) for r, t, d in rows]

    def documents(self) -> list[dict[str, Any]]:
        with self._pool.connection() as conn:
            return [{**meta, "chunks": n} for meta, n in conn.execute(
                f"SELECT metadata, chunk_count FROM {SCHEMA}.documents ORDER BY added_at, doc_id")]

    def iter_batches(self, size: int = 1000) -> Iterator[tuple[list[Chunk], np.ndarray]]:
        with self._pool.connection() as conn, conn.transaction():
            with conn.cursor(name="mttq_export") as cursor:
                cursor.itersize = size
                cursor.execute(f"SELECT text, data, embedding FROM {SCHEMA}.chunks ORDER BY id")
                while rows := cursor.fetchmany(size):
                    yield ([_chunk(t, d) for t, d, _v in rows],
                           np.asarray([v for _t, _d, v in rows], dtype=np.float32))

    # -- corpus counts ----------------------------------------------------------------------
    def corpus_stats(self, profile: CorpusProfile) -> CorpusStats:
        """``profile``'s counts, read from ``corpus_counts``; counted over every chunk once
        (under the write lock) when missing or made by another profile version. The store
        then keeps them up to date at each change it applies."""
        self._profile = profile
        with self._pool.connection() as conn:
            state = conn.execute(f"SELECT generation, corpus_profile, corpus_generation, chunk_count "
                                 f"FROM {SCHEMA}.state").fetchone()
            if state[1] != profile.version or state[2] != state[0]:
                self._recount(conn, profile)
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                n = conn.execute(f"SELECT chunk_count FROM {SCHEMA}.state").fetchone()[0]
                counts: dict[str, Counter[str]] = {}
                with conn.cursor().copy(f"COPY {SCHEMA}.corpus_counts (kind, term, n) TO STDOUT") as copy:
                    for kind, term, value in copy.rows():
                        counts.setdefault(kind, Counter())[term] = int(value)
        for kind in profile.count([]):
            counts.setdefault(kind, Counter())
        return CorpusStats(int(n), counts)

    def _recount(self, conn, profile: CorpusProfile) -> None:
        log.info("counting the corpus profile %s over every chunk (once)", profile.version)
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            generation, current, counted = conn.execute(
                f"SELECT generation, corpus_profile, corpus_generation FROM {SCHEMA}.state").fetchone()
            if current == profile.version and counted == generation:
                return  # another worker counted while this one waited
            totals: dict[str, Counter[str]] = {}
            with conn.cursor(name="mttq_count") as cursor:
                cursor.execute(f"SELECT text, data FROM {SCHEMA}.chunks ORDER BY id")
                while rows := cursor.fetchmany(2000):
                    for kind, counter in profile.count(_chunk(t, d) for t, d in rows).items():
                        totals.setdefault(kind, Counter()).update(counter)
            conn.execute(f"TRUNCATE {SCHEMA}.corpus_counts")
            with conn.cursor().copy(f"COPY {SCHEMA}.corpus_counts (kind, term, n) FROM STDIN") as copy:
                for kind, counter in totals.items():
                    for term, value in counter.items():
                        if value > 0:
                            copy.write_row((kind, term, value))
            conn.execute(f"UPDATE {SCHEMA}.state SET corpus_profile = %s, corpus_generation = generation",
                         (profile.version,))

    # -- changing ---------------------------------------------------------------------------
    def apply(self, add: Sequence[Chunk], vectors: np.ndarray, remove_doc_ids: Iterable[str] = (),
              extra: dict[str, Any] | None = None) -> "PgStore":
        """One transaction: remove the documents ``remove_doc_ids`` (and earlier copies of
        the documents in ``add``), add ``add`` with ``vectors``, update the keyword
        statistics, the corpus counts and the generation.

        Raises:
            IndexMismatchError: ``vectors`` have another dimension than the store's.
        """
        add = list(add)
        vectors = np.asarray(vectors, dtype=np.float32)
        dimension = int(self.manifest["dimension"])
        if add and (vectors.ndim != 2 or vectors.shape != (len(add), dimension)):
            raise IndexMismatchError(f"{vectors.shape} vectors for {len(add)} chunks of dimension {dimension}")
        remove = set(remove_doc_ids) | {c.metadata.get("doc_id", "") for c in add}
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            generation, profile_version, counted, existing = conn.execute(
                f"SELECT generation, corpus_profile, corpus_generation, chunk_count FROM {SCHEMA}.state").fetchone()
            profile = self._profile if (self._profile and profile_version == self._profile.version
                                        and counted == generation) else None
            removed = [_chunk(t, d) for t, d in conn.execute(
                f"SELECT text, data FROM {SCHEMA}.chunks WHERE doc_id = ANY(%s) ORDER BY id", (sorted(remove),))]
            conn.execute(f"DELETE FROM {SCHEMA}.documents WHERE doc_id = ANY(%s)", (sorted(remove),))
            bulk = existing == len(removed) and len(add) >= _BULK_ROWS
            if bulk:  # an import into an empty store: build the graph once, after the rows
                conn.execute(f"DROP INDEX IF EXISTS {SCHEMA}.chunks_embedding")
            token_delta: Counter[str] = Counter()
            length_delta = 0
            for chunk in removed:
                tokens = analyze(chunk.context_text)
                token_delta.subtract(set(tokens))
                length_delta -= len(tokens)
            self._insert_documents(conn, add)
            length_delta += self._insert_chunks(conn, add, vectors, token_delta)
            self._apply_df(conn, token_delta)
            if profile is not None:
                delta: dict[str, Counter[str]] = {k: Counter(v) for k, v in profile.count(add).items()}
                for kind, counter in profile.count(removed).items():
                    delta.setdefault(kind, Counter()).subtract(counter)
                self._apply_counts(conn, delta)
            if bulk:
                conn.execute("SET LOCAL maintenance_work_mem = '1GB'")
                conn.execute(_HNSW)
            manifest = dict(self._state["manifest"], **(extra or {}))
            conn.execute(
                f"""UPDATE {SCHEMA}.state SET generation = generation + 1, manifest = %s,
                    chunk_count = (SELECT count(*) FROM {SCHEMA}.chunks),
                    document_count = (SELECT count(*) FROM {SCHEMA}.documents),
                    keyword_tokens = keyword_tokens + %s, changed_at = now(),
                    corpus_generation = CASE WHEN %s THEN generation + 1 ELSE corpus_generation END""",
                (json.dumps(manifest, ensure_ascii=False, default=str), length_delta, profile is not None))
        self.refresh()
        return self

    def _insert_documents(self, conn, chunks: list[Chunk]) -> None:
        docs: dict[str, dict[str, Any]] = {}
        counts: Counter[str] = Counter()
        for c in chunks:
            doc_id = c.metadata.get("doc_id", "")
            docs.setdefault(doc_id, {k: v for k, v in c.metadata.items() if k != "ordinal"})
            counts[doc_id] += 1
        with conn.cursor().copy(f"COPY {SCHEMA}.documents (doc_id, metadata, label, sha256, source, upload_name, "
                                f"chunk_count) FROM STDIN") as copy:
            for doc_id, meta in docs.items():
                copy.write_row((doc_id, json.dumps(meta, ensure_ascii=False, default=str), reference_label(meta),
                                meta.get("sha256"), meta.get("source"), meta.get("upload_name"), counts[doc_id]))

    def _insert_chunks(self, conn, chunks: list[Chunk], vectors: np.ndarray, token_delta: Counter[str]) -> int:
        """COPY ``chunks``; adds their tokens to ``token_delta``; returns their total length in tokens."""
        from pgvector.psycopg import Vector

        numbers = sections_of(chunks)
        if not chunks:
            return 0
        # section numbers are unique across the table: reserve as many as this batch has
        start = conn.execute(f"SELECT nextval('{SCHEMA}.sections')").fetchone()[0]
        conn.execute(f"SELECT setval('{SCHEMA}.sections', %s)", (start + numbers[-1] + 1,))
        total = 0
        with conn.cursor().copy(f"COPY {SCHEMA}.chunks (chunk_id, doc_id, section, text, data, doc_type, "
                                f"issuer_words, date, embedding, tsv, kw_len) FROM STDIN") as copy:
            for chunk, section, vector in zip(chunks, numbers, vectors):
                tokens = analyze(chunk.context_text)
                token_delta.update(set(tokens))
                total += len(tokens)
                data = chunk.to_dict()
                data.pop("text")
                fields = filter_fields(chunk.metadata)
                copy.write_row((chunk.id, chunk.metadata.get("doc_id", ""), start + section, chunk.text,
                                json.dumps(data, ensure_ascii=False, default=str), fields.doc_type,
                                sorted(fields.issuer_words), fields.date, Vector(vector).to_text(),
                                tsvector_literal(tokens), len(tokens)))
        return total

    @staticmethod
    def _apply_df(conn, delta: Counter[str]) -> None:
        changes = [(t, n) for t, n in delta.items() if n]
        if not changes:
            return
        conn.execute(f"""INSERT INTO {SCHEMA}.keyword_df AS d (term, df)
                         SELECT * FROM unnest(%s::text[], %s::int[])
                         ON CONFLICT (term) DO UPDATE SET df = d.df + excluded.df""",
                     ([t for t, _n in changes], [n for _t, n in changes]))
        conn.execute(f"DELETE FROM {SCHEMA}.keyword_df WHERE df <= 0")

    @staticmethod
    def _apply_counts(conn, delta: dict[str, Counter[str]]) -> None:
        kinds, terms, values = [], [], []
        for kind, counter in delta.items():
            for term, n in counter.items():
                if n:
                    kinds.append(kind)
                    terms.append(term)
                    values.append(n)
        if not kinds:
            return
        conn.execute(f"""INSERT INTO {SCHEMA}.corpus_counts AS c (kind, term, n)
                         SELECT * FROM unnest(%s::text[], %s::text[], %s::bigint[])
                         ON CONFLICT (kind, term) DO UPDATE SET n = c.n + excluded.n""", (kinds, terms, values))
        conn.execute(f"DELETE FROM {SCHEMA}.corpus_counts WHERE n <= 0")


def _chunk(text: str, data: dict[str, Any] | str) -> Chunk:
    if isinstance(data, str):
        data = json.loads(data)
    return Chunk.from_dict({**data, "text": text})


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
