"""The embeddable widget (``/widget.js``), a demo portal page (``/demo``) and a public
page per cited passage (``/v1/passages/{chunk_id}``), which citation links open."""
from __future__ import annotations

import html
from importlib import resources

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response

from api.deps import AssistantDep

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


@router.get("/v1/passages/{chunk_id}", response_class=HTMLResponse)
async def passage_page(chunk_id: str, assistant: AssistantDep) -> str:
    """A readable page with one indexed passage, its document's metadata and source."""
    chunk = assistant.retriever.passage_by_id(chunk_id)
    if chunk is None:
        raise HTTPException(status_code=404, detail="Không tìm thấy đoạn văn bản này.")
    meta = chunk.metadata
    rows = [("Văn bản", meta.get("title")), ("Số hiệu", meta.get("so_hieu")), ("Ngày", meta.get("date")),
            ("Loại", meta.get("doc_type")), ("Cơ quan ban hành", meta.get("issuer")), ("Nguồn", meta.get("source")),
            ("Vị trí", " › ".join(chunk.heading_path[1:]))]
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows if v)
    body = "".join(f"<p>{html.escape(p)}</p>" for p in chunk.text.split("\n"))
    return (f"<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(meta.get('title', 'Đoạn văn bản'))}</title>"
            "<style>body{font:16px/1.6 system-ui,sans-serif;max-width:760px;margin:24px auto;padding:0 16px;color:#1f2328}"
            "th{text-align:left;padding-right:12px;color:#57606a;vertical-align:top}"
            "article{border-left:4px solid #c8102e;padding-left:16px;margin-top:16px}</style></head>"
            f"<body><h1>{html.escape(meta.get('title', ''))}</h1><table>{table}</table>"
            f"<article>{body}</article></body></html>")
