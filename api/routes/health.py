"""``GET /healthz``: liveness plus what index is loaded."""
from __future__ import annotations

from fastapi import APIRouter

from api.deps import AssistantDep
from api.schemas import HealthResponse

router = APIRouter(tags=["health"])


@router.head("/healthz", include_in_schema=False)  # uptime checks send HEAD
@router.get("/healthz", response_model=HealthResponse)
async def healthz(assistant: AssistantDep) -> HealthResponse:
    """``status`` is ``ok``, or ``empty`` while the index has no passage (a service started
    without an index, to be filled through the admin API): it answers, and refuses."""
    manifest = assistant.retriever.store.manifest
    chunks = int(manifest.get("chunk_count", 0))
    return HealthResponse(status="ok" if chunks else "empty", chunks=chunks,
                          documents=int(manifest.get("document_count", 0)),
                          embedding_model=str(manifest.get("embedding_model", "")),
                          index_created_at=manifest.get("created_at"))
