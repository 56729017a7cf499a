"""The embeddable widget in a real browser: Debian's Chromium driven by Playwright.

Against the app on loopback over the sample index: the demo portal page, the answer
streamed with citations, follow-ups, refusals, phone size, keyboard only, style
isolation both ways, and a page on an origin that is not allowed.
"""
import os
import shutil

import pytest

from api.app import create_app
from api.config import DEV_ADMIN_KEY, Settings
from tests.fakes.openai_server import ServerThread

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="Chromium not installed (Debian package chromium; scripts/install.sh --test)")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
QUESTION = "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là bao lâu?"


@pytest.fixture(scope="module")
def app_url(assistant, tmp_path_factory):
    settings = Settings(environment="test", data_dir=tmp_path_factory.mktemp("data"),
                        rate_limit_per_minute=10_000, rate_limit_burst=10_000)
    server = ServerThread(create_app(settings, assistant=assistant)).start()
    yield f"http://127.0.0.1:{server.port}"
    server.stop()


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    yield context.new_page()
    context.close()


def _open(page, url):
    page.goto(url)
    page.wait_for_selector("#mttq-widget", state="attached")
    page.click(".launcher")
    page.wait_for_selector(".panel", state="visible")


def _ask(page, question):
    count = page.locator(".msg.bot").count()
    page.fill("textarea", question)
    page.keyboard.press("Enter")
    # the greeting, then a placeholder per question that becomes the answer when done
    page.wait_for_function(
        """n => { const r = document.querySelector('#mttq-widget').shadowRoot;
                  return r.querySelectorAll('.msg.bot').length > n && !r.querySelector('.send').disabled; }""",
        arg=count, timeout=30_000)
    return page.locator(".msg.bot").last


def test_demo_page_streams_an_answer_with_citation_links(page, app_url):
    _open(page, f"{app_url}/demo")
    page.evaluate("""() => { const log = document.querySelector('#mttq-widget').shadowRoot.querySelector('.log');
        window.__updates = 0; new MutationObserver(records => { window.__updates += records.length; })
          .observe(log, {subtree: true, characterData: true, childList: true}); }""")
    answer = _ask(page, QUESTION)
    assert "30 tháng" in answer.locator(".text").inner_text()
    assert page.evaluate("window.__updates") > 6  # the text was drawn piece by piece as deltas came
    link = answer.locator(".cites a").first
    assert link.inner_text().startswith("[1] Hướng dẫn")
    assert "/v1/passages/" in link.get_attribute("href") and link.get_attribute("target") == "_blank"
    assert "07/HD-MTTQ-BTT" in answer.locator(".cites").inner_text()
    with page.context.expect_page() as opened:
        link.click()
    source = opened.value
    source.wait_for_load_state()
    assert "30 tháng" in " ".join(source.locator("article mark").all_inner_texts())  # the quoted span, highlighted
    assert "07/HD-MTTQ-BTT" in source.inner_text("table")
    assert "samples/" not in source.content() and ".pdf" not in source.inner_text("table")  # no server path


def test_citation_markers_in_the_answer_are_links(page, app_url):
    _open(page, f"{app_url}/demo")
    answer = _ask(page, QUESTION)
    markers = answer.locator(".text a.ref")
    assert markers.count() >= 1 and markers.first.inner_text() == "[1]"
    listed = answer.locator(".cites a").first.get_attribute("href")
    assert markers.first.get_attribute("href") == listed and "?q=" in listed
    assert markers.first.get_attribute("aria-label").startswith("Nguồn 1: Hướng dẫn")
    with page.context.expect_page() as opened:
        markers.first.click()
    opened.value.wait_for_load_state()
    assert "30 tháng" in " ".join(opened.value.locator("mark").all_inner_texts())
    page.reload()  # kept for the tab: the markers are links again after a reload
    page.wait_for_selector("#mttq-widget", state="attached")
    page.click(".launcher")
    assert page.locator(".msg.bot .text a.ref").count() >= 1


def test_a_long_paste_is_cut_and_the_panel_says_so(page, app_url):
    _open(page, f"{app_url}/demo")
    page.fill("textarea", "Câu hỏi: ")
    page.evaluate("""() => {
        const input = document.querySelector('#mttq-widget').shadowRoot.querySelector('textarea');
        input.focus(); input.setSelectionRange(input.value.length, input.value.length);
        const data = new DataTransfer(); data.setData('text/plain', 'nhiệm kỳ '.repeat(200));
        input.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true})); }""")
    value = page.locator("textarea").input_value()
    assert len(value) == 1000 and value.startswith("Câu hỏi: nhiệm kỳ")
    note = page.locator(".note")
    assert note.is_visible() and "cắt bớt" in note.inner_text() and "1000" in note.inner_text()
    page.keyboard.press("Backspace")
    assert note.is_hidden()
    page.fill("textarea", "")
    page.evaluate("""() => {
        const input = document.querySelector('#mttq-widget').shadowRoot.querySelector('textarea');
        const data = new DataTransfer(); data.setData('text/plain', ' ngắn');
        input.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true})); }""")
    assert note.is_hidden() and page.locator("textarea").input_value() == ""  # one that fits: the browser's


def _styles(page, selector, props, shadow=False):
    script = """([sel, props, shadow]) => {
        const root = shadow ? document.querySelector('#mttq-widget').shadowRoot : document;
        const s = getComputedStyle(root.querySelector(sel));
        return props.map(p => s.getPropertyValue(p)); }"""
    return page.evaluate(script, [selector, props, shadow])


def test_portal_and_widget_styles_do_not_leak(page, app_url):
    portal_props = ["font-size", "background-color", "border-top-style", "padding-top", "font-family"]
    page.route("**/widget.js", lambda route: route.abort())
    page.goto(f"{app_url}/demo")
    before = {sel: _styles(page, sel, portal_props) for sel in ("#portal-button", "#portal-title", "#portal-search")}
    page.unroute("**/widget.js")
    _open(page, f"{app_url}/demo")
    after = {sel: _styles(page, sel, portal_props) for sel in ("#portal-button", "#portal-title", "#portal-search")}
    assert before == after
    assert after["#portal-button"][0] == "20px"  # the portal's own rules still apply to the portal

    widget_props = ["font-size", "font-family", "background-color", "padding-top", "border-top-style", "line-height"]
    selectors = [".send", ".launcher", "textarea", "header h2", ".msg.bot"]
    with_portal_css = {s: _styles(page, s, widget_props, shadow=True) for s in selectors}
    panel_with = page.locator(".panel").bounding_box()
    page.route(f"{app_url}/plain", lambda route: route.fulfill(
        content_type="text/html; charset=utf-8",
        body='<!doctype html><html lang="vi"><body><p>Trang trống</p><script src="/widget.js" async></script></body></html>'))
    _open(page, f"{app_url}/plain")
    without = {s: _styles(page, s, widget_props, shadow=True) for s in selectors}
    assert with_portal_css == without
    assert with_portal_css[".send"][0] != "20px"
    panel_without = page.locator(".panel").bounding_box()
    assert (panel_with["width"], panel_with["height"]) == (panel_without["width"], panel_without["height"])


def test_follow_up_refusal_feedback_and_session(page, app_url):
    import httpx

    _open(page, f"{app_url}/demo")
    _ask(page, "Ban giám sát đầu tư của cộng đồng ở mỗi thôn có bao nhiêu thành viên?")
    follow = _ask(page, "Còn nhiệm kỳ thì sao?")
    assert "30 tháng" in follow.inner_text()
    follow.locator("button[aria-label='Câu trả lời hữu ích']").click()
    follow.get_by_text("Cảm ơn bạn đã góp ý.").wait_for()
    refused = _ask(page, "Giá vé tàu hỏa từ Hà Nội vào Sài Gòn là bao nhiêu?")
    assert refused.inner_text().startswith("Tôi không tìm thấy thông tin này trong tài liệu")
    assert refused.locator(".cites").count() == 0
    page.wait_for_timeout(300)
    rows = httpx.get(f"{app_url}/v1/feedback", headers={"X-API-Key": DEV_ADMIN_KEY}).json()
    assert rows[0]["rating"] == "up" and "30 tháng" in rows[0]["answer"]

    page.reload()
    page.wait_for_selector("#mttq-widget", state="attached")
    page.click(".launcher")
    assert page.locator(".msg.user").count() == 3  # kept for the tab
    page.get_by_role("button", name="Cuộc trò chuyện mới").click()
    assert page.locator(".msg.user").count() == 0 and page.locator(".chip").count() >= 1


def test_phone_size_and_keyboard_only(browser, app_url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{app_url}/demo")
    page.wait_for_selector("#mttq-widget", state="attached")
    for _ in range(40):  # Tab through the portal until the widget's button has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id === 'mttq-widget' && "
                         "document.activeElement.shadowRoot.activeElement.classList.contains('launcher')"):
            break
    else:
        pytest.fail("the widget's button is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".panel", state="visible")
    assert page.evaluate("document.querySelector('#mttq-widget').shadowRoot.activeElement.tagName") == "TEXTAREA"
    box = page.locator(".panel").bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 360, 740)  # a full-screen sheet
    assert page.locator(".launcher").is_hidden()  # nothing of the page, nor the launcher, over the text
    title = page.locator("header h2")
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#mttq-widget').shadowRoot"
                         ".querySelector('header h2')).lineHeight)")
    assert title.bounding_box()["height"] < 1.5 * line  # one line: the title does not wrap
    assert page.evaluate("(h => h.scrollWidth <= h.clientWidth)(document.querySelector('#mttq-widget')"
                         ".shadowRoot.querySelector('header h2'))")  # and the default title is not cut either
    for x, y in ((5, 5), (355, 735), (180, 370)):
        inside = page.evaluate(f"""() => {{ const r = document.querySelector('#mttq-widget').shadowRoot;
            const e = r.elementFromPoint({x}, {y}); return !!e && r.querySelector('.panel').contains(e); }}""")
        assert inside, (x, y)
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    page.locator(".cites a").first.wait_for(timeout=30_000)
    assert "30 tháng" in page.locator(".msg.bot").last.inner_text()
    page.keyboard.press("Escape")
    assert page.locator(".panel").is_hidden()
    assert page.evaluate("document.querySelector('#mttq-widget').shadowRoot.activeElement.className") == "launcher"
    labels = page.evaluate("""() => [...document.querySelector('#mttq-widget').shadowRoot
        .querySelectorAll('button, textarea')].every(e => e.getAttribute('aria-label') || e.textContent.trim())""")
    assert labels
    context.close()


def test_page_on_a_non_allowed_origin_cannot_use_the_chat(page, app_url, tmp_path):
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse

    other = FastAPI()

    @other.get("/", response_class=HTMLResponse)
    def foreign() -> str:
        return (f'<!doctype html><html lang="vi"><body><p>Trang của nơi khác</p>'
                f'<script src="{app_url}/widget.js" data-api="{app_url}" async></script></body></html>')

    server = ServerThread(other).start()
    try:
        _open(page, f"http://127.0.0.1:{server.port}/")  # another port: another origin, not in the allowlist
        answer = _ask(page, QUESTION)
        assert answer.inner_text() == "Trợ lý hỏi đáp chưa được bật cho trang web này."
        # the server refused it (403), it was not merely hidden by the browser
        status = page.evaluate(f"""() => fetch('{app_url}/v1/chat', {{method: 'POST',
            headers: {{'Content-Type': 'application/json'}}, body: JSON.stringify({{question: 'x'}})}})
            .then(r => r.status, () => 'blocked')""")
        assert status == 403
    finally:
        server.stop()
