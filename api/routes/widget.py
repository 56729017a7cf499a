"""The embeddable widget (``/widget.js``), a demo portal page (``/demo``) and a public
page per cited passage (``/v1/passages/{chunk_id}``), which citation links open."""
from __future__ import annotations

from importlib import resources
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse, Response

from api.deps import AssistantDep
from api.passage_page import render_passage

router = APIRouter(tags=["widget"])


def _static(name: str) -> str:
    return resources.files("api").joinpath(f"static/{name}").read_text(encoding="utf-8")


# GET routes answer HEAD too (uptime checks, CDNs and link checkers send it)
GET_HEAD = ["GET", "HEAD"]


@router.api_route("/widget.js", methods=GET_HEAD, include_in_schema=False)
async def widget_js() -> Response:
    return Response(_static("widget.js"), media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=300", "Cross-Origin-Resource-Policy": "cross-origin"})


@router.api_route("/favicon.ico", methods=GET_HEAD, include_in_schema=False)
async def favicon() -> Response:
    """The icon browsers ask for on every page of the app (drawn by scripts/make_favicon.py)."""
    icon = resources.files("api").joinpath("static/favicon.ico").read_bytes()
    return Response(icon, media_type="image/vnd.microsoft.icon", headers={"Cache-Control": "public, max-age=86400"})


@router.api_route("/demo", methods=GET_HEAD, response_class=HTMLResponse, include_in_schema=False)
async def demo_page() -> str:
    return _static("demo.html")


@router.head("/v1/passages/{chunk_id}", include_in_schema=False)
@router.get("/v1/passages/{chunk_id}", response_class=HTMLResponse)
async def passage_page(chunk_id: str, assistant: AssistantDep,
                       q: Annotated[str, Query(max_length=2000, description="The quoted span to highlight")] = ""
                       ) -> str:
    """A readable page with one indexed passage, its document's metadata and public address;
    ``q`` (the citation's quote) is highlighted, text flagged as instructions to an AI marked."""
    chunk = assistant.retriever.passage_by_id(chunk_id)
    if chunk is None:
        raise HTTPException(status_code=404, detail="Không tìm thấy đoạn văn bản này.")
    return render_passage(chunk, q)
