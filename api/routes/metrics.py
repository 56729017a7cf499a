"""``GET /metrics`` in the Prometheus text format.

With several workers (``mttq serve --workers N``) each process writes its samples to
``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode) and this route sums
them, so any worker reports the whole service."""
from __future__ import annotations

import os

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from api.deps import MetricsDep

router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
async def metrics(m: MetricsDep) -> Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)
