"""``GET /healthz``: liveness plus what index is loaded."""
from __future__ import annotations

from fastapi import APIRouter

from api.deps import AssistantDep
from api.schemas import HealthResponse

router = APIRouter(tags=["health"])


@router.api_route("/healthz", methods=["GET", "HEAD"], response_model=HealthResponse)
async def healthz(assistant: AssistantDep) -> HealthResponse:
    manifest = assistant.retriever.store.manifest
    return HealthResponse(status="ok", chunks=int(manifest.get("chunk_count", 0)),
                          documents=int(manifest.get("document_count", 0)),
                          embedding_model=str(manifest.get("embedding_model", "")),
                          index_created_at=manifest.get("created_at"))
