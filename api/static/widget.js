/*
 * Hỏi đáp Mặt trận — chat widget for any web page, embedded with one tag:
 *
 *   <script src="https://HOST/widget.js" data-title="Hỏi đáp Mặt trận" data-color="#c8102e"
 *           data-position="right" data-greeting="…" async></script>
 *
 * Options (all optional): data-title, data-color, data-text-color, data-position (right|left),
 * data-greeting, data-placeholder, data-suggestions ("câu 1|câu 2|…"), data-lang (vi|en),
 * data-api (defaults to the origin this script was loaded from).
 *
 * Everything renders inside a Shadow DOM: the page's CSS cannot reach the widget and the
 * widget's CSS cannot reach the page. No framework, no build step, no secret: the public
 * chat endpoint relies on the server's origin allowlist and rate limits.
 */
(function () {
  "use strict";
  if (window.__mttqWidgetLoaded) return;
  window.__mttqWidgetLoaded = true;

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var data = (script && script.dataset) || {};
  var apiBase = (data.api || (script ? new URL(script.src, location.href).origin : location.origin)).replace(/\/+$/, "");

  var TEXT = {
    vi: {
      open: "Mở hỏi đáp", close: "Đóng hỏi đáp", reset: "Cuộc trò chuyện mới", send: "Gửi câu hỏi",
      input: "Câu hỏi của bạn", placeholder: "Nhập câu hỏi…",
      greeting: "Xin chào! Tôi trả lời dựa trên văn bản, tài liệu của Mặt trận Tổ quốc Việt Nam, có trích dẫn nguồn.",
      thinking: "Đang tìm trong tài liệu…", sources: "Nguồn", up: "Câu trả lời hữu ích", down: "Câu trả lời chưa đúng",
      thanks: "Cảm ơn bạn đã góp ý.", failed: "Không kết nối được với máy chủ hỏi đáp. Vui lòng thử lại sau.",
      busy: "Bạn gửi quá nhiều câu hỏi. Vui lòng thử lại sau ít phút.", suggestions: "Câu hỏi gợi ý",
      log: "Nội dung trò chuyện", notEnabled: "Trợ lý hỏi đáp chưa được bật cho trang web này.",
      writing: "Đang soạn câu trả lời từ tài liệu…", source: "Nguồn",
      cut: "Câu hỏi dài quá 1000 ký tự: phần dán vào đã được cắt bớt, chỉ giữ 1000 ký tự đầu."
    },
    en: {
      open: "Open Q&A", close: "Close Q&A", reset: "New conversation", send: "Send question",
      input: "Your question", placeholder: "Type a question…",
      greeting: "Hello! I answer from the documents of the Vietnam Fatherland Front, with sources.",
      thinking: "Searching the documents…", sources: "Sources", up: "Helpful answer", down: "Wrong answer",
      thanks: "Thank you for your feedback.", failed: "Cannot reach the Q&A server. Please try again later.",
      busy: "Too many questions. Please try again in a few minutes.", suggestions: "Suggested questions",
      log: "Conversation", notEnabled: "The Q&A assistant is not enabled for this website.",
      writing: "Writing the answer from the documents…", source: "Source",
      cut: "Questions are limited to 1000 characters: the pasted text was cut to its first 1000."
    }
  };
  var t = TEXT[data.lang === "en" ? "en" : "vi"];
  var title = data.title || "Hỏi đáp Mặt trận";
  var color = /^#[0-9a-fA-F]{3,8}$/.test(data.color || "") ? data.color : "#c8102e";
  var textColor = /^#[0-9a-fA-F]{3,8}$/.test(data.textColor || "") ? data.textColor : "#ffffff";
  var side = data.position === "left" ? "left" : "right";
  // the defaults are answered by the sample corpus (tests/api/test_widget_suggestions.py); a portal
  // sets its own with data-suggestions
  var suggestions = (data.suggestions || "Người dân tham gia xây dựng xã nông thôn mới kiểu mẫu bằng cách nào?|" +
    "Ban giám sát đầu tư của cộng đồng có bao nhiêu thành viên?|" +
    "Ban Thường trực Ủy ban MTTQ xã tiếp công dân vào ngày nào?").split("|")
    .map(function (s) { return s.trim(); }).filter(Boolean).slice(0, 4);
  var storeKey = "mttq-widget:" + apiBase;
  var MAX_QUESTION = 1000;  // the server's limit (README, "Limits")
  // an icon, not an emoji: emoji fonts are missing on many office PCs
  var THUMB = '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" fill="currentColor">' +
    '<path d="M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6V3a1.5 1.5 0 0 0-.4-1L13 1 6.6 7.4A2 2 0 0 0 6 ' +
    '8.8V19a2 2 0 0 0 2 2h9a2 2 0 0 0 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z"/></svg>';

  var CSS = [
    ":host{all:initial !important;position:fixed !important;z-index:2147483000 !important;bottom:16px !important;",
    side + ":16px !important;display:block !important;}",
    "*{box-sizing:border-box;margin:0;padding:0;font:inherit;color:inherit;letter-spacing:normal;text-transform:none;}",
    ".root{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif;color:#1f2328;}",
    "button{cursor:pointer;border:0;background:none;}",
    "button:focus-visible,textarea:focus-visible,a:focus-visible{outline:3px solid #0b57d0;outline-offset:2px;}",
    ".launcher{width:56px;height:56px;border-radius:50%;background:var(--c);color:var(--tc);",
    "box-shadow:0 4px 14px rgba(0,0,0,.3);display:flex;align-items:center;justify-content:center;}",
    ".launcher svg{width:28px;height:28px;fill:currentColor;}",
    ".panel{position:absolute;bottom:68px;" + side + ":0;width:min(380px,calc(100vw - 16px));",
    "height:min(600px,calc(100vh - 96px));background:#fff;border-radius:12px;box-shadow:0 8px 28px rgba(0,0,0,.28);",
    "display:flex;flex-direction:column;overflow:hidden;}",
    ".panel[hidden]{display:none;}",
    "header{background:var(--c);color:var(--tc);padding:10px 12px;display:flex;align-items:center;gap:8px;}",
    "header h2{flex:1;min-width:0;font-size:16px;font-weight:600;line-height:1.3;white-space:nowrap;",
    "overflow:hidden;text-overflow:ellipsis;}",
    "header button{color:var(--tc);font-size:13px;padding:6px 8px;border-radius:6px;flex-shrink:0;white-space:nowrap;}",
    "header button:hover{background:rgba(255,255,255,.18);}",
    ".reset svg{display:none;}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px;background:#f6f8fa;}",
    ".msg{padding:8px 12px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word;max-width:92%;}",
    ".bot{background:#fff;border:1px solid #d0d7de;align-self:flex-start;}",
    ".user{background:var(--c);color:var(--tc);align-self:flex-end;}",
    ".refused{border-left:4px solid #9a6700;}",
    ".error{border-color:#cf222e;color:#82071e;}",
    ".cites{margin-top:8px;padding-top:6px;border-top:1px solid #d8dee4;font-size:13px;white-space:normal;list-style:none;}",
    ".cites li{margin-top:6px;}",
    ".cites a{color:#0b57d0;text-decoration:underline;font-weight:600;}",
    ".text a.ref{color:#0b57d0;text-decoration:none;font-weight:600;font-size:.85em;vertical-align:super;line-height:0;}",
    ".text a.ref:hover{text-decoration:underline;}",
    ".note{font-size:13px;color:#7d4e00;background:#fff8c5;padding:4px 10px;border-top:1px solid #d4a72c;}",
    ".note[hidden]{display:none;}",
    ".cites q{display:block;color:#424a53;font-style:italic;margin-top:2px;}",
    ".meta{color:#57606a;}",
    ".rate{margin-top:6px;display:flex;gap:6px;align-items:center;font-size:13px;color:#57606a;}",
    ".rate button{border:1px solid #d0d7de;border-radius:6px;padding:4px 8px;background:#fff;color:#424a53;display:flex;}",
    ".rate button[aria-pressed=true]{background:#ddf4ff;border-color:#0b57d0;}",
    ".chips{display:flex;flex-wrap:wrap;gap:6px;}",
    ".chip{border:1px solid var(--c);color:#1f2328;background:#fff;border-radius:16px;padding:4px 10px;font-size:13px;text-align:left;}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #d0d7de;background:#fff;}",
    "textarea{flex:1;resize:none;height:44px;max-height:120px;border:1px solid #8c959f;border-radius:8px;padding:10px;",
    "font-size:15px;background:#fff;color:#1f2328;}",
    ".send{background:var(--c);color:var(--tc);border-radius:8px;padding:0 14px;font-weight:600;font-size:14px;}",
    ".send:disabled{opacity:.6;cursor:wait;}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;}",
    // phones: the open panel is a full-screen sheet (nothing of the page, nor the launcher, shows under it)
    "@media (max-width:480px){.panel{position:fixed;top:0;left:0;right:0;bottom:0;width:100%;height:100%;",
    "border-radius:0;box-shadow:none;}.open .launcher{display:none;}header{padding:8px 6px 8px 12px;}",
    ".reset .label{display:none;}.reset svg{display:block;}header button{padding:8px 10px;}}"
  ].join("");

  var host = document.createElement("div");
  host.id = "mttq-widget";
  var shadow = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  style.textContent = CSS;
  shadow.appendChild(style);

  var root = el("div", "root");
  root.style.setProperty("--c", color);
  root.style.setProperty("--tc", textColor);
  shadow.appendChild(root);

  var launcher = el("button", "launcher", { type: "button", "aria-label": t.open, "aria-expanded": "false",
    "aria-controls": "mttq-panel" });
  launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';

  var panel = el("div", "panel", { id: "mttq-panel", role: "dialog", "aria-label": title, hidden: "" });
  var header = el("header");
  var heading = el("h2", null, {}, title);
  var resetButton = el("button", "reset", { type: "button", "aria-label": t.reset, title: t.reset });
  // a "+" icon stands for the label on phones, so that the title keeps its room
  resetButton.innerHTML = '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="currentColor">' +
    '<path d="M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z"/></svg>';
  resetButton.appendChild(el("span", "label", {}, t.reset));
  var closeButton = el("button", null, { type: "button", "aria-label": t.close }, "✕");
  header.append(heading, resetButton, closeButton);
  var log = el("div", "log", { role: "log", "aria-live": "polite", "aria-label": t.log });
  var form = el("form");
  var label = el("label", "sr", { for: "mttq-q" }, t.input);
  var input = el("textarea", null, { id: "mttq-q", rows: "1", maxlength: String(MAX_QUESTION),
    placeholder: data.placeholder || t.placeholder, "aria-label": t.input });
  var send = el("button", "send", { type: "submit", "aria-label": t.send }, t.send.split(" ")[0]);
  form.append(label, input, send);
  var note = el("div", "note", { role: "status", hidden: "" });
  panel.append(header, log, note, form);
  root.append(panel, launcher);

  var messages = load();
  var busy = false;

  function el(tag, cls, attrs, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }

  function load() {
    try { return JSON.parse(sessionStorage.getItem(storeKey) || "[]"); } catch (e) { return []; }
  }

  function save() {
    try { sessionStorage.setItem(storeKey, JSON.stringify(messages.slice(-40))); } catch (e) { /* private mode */ }
  }

  function history() {
    return messages.filter(function (m) { return !m.error && m.content; }).slice(-10)
      .map(function (m) { return { role: m.role, content: m.content.slice(0, 4000) }; });
  }

  // the passage page highlights the quoted span (?q=) and shows the document's public address
  function sourceHref(c) {
    var href = apiBase + "/v1/passages/" + encodeURIComponent(c.chunk_id);
    return c.quote ? href + "?q=" + encodeURIComponent(c.quote.slice(0, 300)) : href;
  }

  // the answer text with each [n] a link to citation n (when there is one)
  function renderText(node, text, citations) {
    var byId = {};
    (citations || []).forEach(function (c) { byId[c.id] = c; });
    var parts = String(text || "").split(/\[(\d+)\]/);
    parts.forEach(function (part, i) {
      if (i % 2 === 0) {
        if (part) node.appendChild(document.createTextNode(part));
        return;
      }
      var c = byId[part];
      if (!c) { node.appendChild(document.createTextNode("[" + part + "]")); return; }
      node.appendChild(el("a", "ref", { href: sourceHref(c), target: "_blank", rel: "noopener noreferrer",
        "aria-label": t.source + " " + part + ": " + (c.title || ""), title: c.title || "" }, "[" + part + "]"));
    });
  }

  function renderCitations(node, citations) {
    if (!citations || !citations.length) return;
    var list = el("ol", "cites", { "aria-label": t.sources });
    citations.forEach(function (c) {
      var item = el("li");
      var link = el("a", null, { href: sourceHref(c), target: "_blank", rel: "noopener noreferrer" },
        "[" + c.id + "] " + (c.title || c.source));
      item.appendChild(link);
      var meta = [c.so_hieu, c.date].filter(Boolean).join(", ");
      if (meta) item.appendChild(el("span", "meta", {}, " (" + meta + ")"));
      if (c.quote) item.appendChild(el("q", null, {}, c.quote.length > 400 ? c.quote.slice(0, 400) + "…" : c.quote));
      list.appendChild(item);
    });
    node.appendChild(list);
  }

  function renderRating(node, message) {
    if (!message.message_id || message.refused) return;
    var row = el("div", "rate");
    var up = el("button", null, { type: "button", "aria-label": t.up, title: t.up,
      "aria-pressed": String(message.rating === "up") });
    var down = el("button", null, { type: "button", "aria-label": t.down, title: t.down,
      "aria-pressed": String(message.rating === "down") });
    up.innerHTML = THUMB;
    down.innerHTML = THUMB.replace("<svg ", '<svg style="transform:rotate(180deg)" ');
    var note = el("span", null, { role: "status" }, message.rating ? t.thanks : "");
    [["up", up], ["down", down]].forEach(function (pair) {
      pair[1].addEventListener("click", function () {
        message.rating = pair[0];
        save();
        up.setAttribute("aria-pressed", String(pair[0] === "up"));
        down.setAttribute("aria-pressed", String(pair[0] === "down"));
        note.textContent = t.thanks;
        fetch(apiBase + "/v1/feedback", { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ message_id: message.message_id, rating: pair[0] }) }).catch(function () {});
      });
    });
    row.append(up, down, note);
    node.appendChild(row);
  }

  function renderMessage(message) {
    var cls = "msg " + (message.role === "user" ? "user" : "bot") + (message.refused ? " refused" : "") +
      (message.error ? " error" : "");
    var node = el("div", cls);
    var text = el("div", "text");
    if (message.role === "assistant" && !message.error) renderText(text, message.content, message.citations);
    else text.textContent = message.content;
    node.appendChild(text);
    if (message.role === "assistant") {
      renderCitations(node, message.citations);
      renderRating(node, message);
    }
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
    return node;
  }

  function renderAll() {
    log.textContent = "";
    log.appendChild(el("div", "msg bot", {}, data.greeting || t.greeting));
    if (!messages.length) {
      var box = el("div", "chips", { role: "group", "aria-label": t.suggestions });
      suggestions.forEach(function (s) {
        var chip = el("button", "chip", { type: "button" }, s);
        chip.addEventListener("click", function () { ask(s); });
        box.appendChild(chip);
      });
      log.appendChild(box);
    }
    messages.forEach(renderMessage);
  }

  function parseEvents(buffer, onEvent) {
    var parts = buffer.split(/\r?\n\r?\n/);
    var rest = parts.pop();
    parts.forEach(function (block) {
      var name = "message", payload = [];
      block.split(/\r?\n/).forEach(function (line) {
        if (line.indexOf("event:") === 0) name = line.slice(6).trim();
        else if (line.indexOf("data:") === 0) payload.push(line.slice(5).replace(/^ /, ""));
      });
      if (payload.length) {
        try { onEvent(name, JSON.parse(payload.join("\n"))); } catch (e) { /* heartbeat or junk */ }
      }
    });
    return rest;
  }

  function ask(question) {
    question = (question || "").trim();
    if (!question || busy) return;
    busy = true;
    send.disabled = true;
    var previous = history();
    var userMessage = { role: "user", content: question };
    messages.push(userMessage);
    save();
    var chips = log.querySelector(".chips");
    if (chips) chips.remove();
    renderMessage(userMessage);
    var answer = { role: "assistant", content: "", citations: [] };
    var node = renderMessage({ role: "assistant", content: t.thinking });
    var textNode = node.querySelector(".text");
    var started = false;

    function finish(ok) {
      busy = false;
      send.disabled = false;
      if (ok) {
        messages.push(answer);
        save();
        node.replaceWith(renderMessage(answer));
      }
      input.focus();
    }

    function fail(message) {
      node.classList.add("error");
      textNode.textContent = message;
      messages.push({ role: "assistant", content: message, error: true });
      save();
      finish(false);
    }

    fetch(apiBase + "/v1/chat/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      body: JSON.stringify({ question: question, history: previous })
    }).then(function (res) {
      if (res.status === 429) throw new Error(t.busy);
      if (res.status === 403) {
        if (window.console) {
          console.warn("[mttq-widget] " + apiBase + " refused this page's origin (" + location.origin +
            "): add it to the server's MTTQ_CORS_ORIGINS setting to enable the assistant here.");
        }
        throw new Error(t.notEnabled);
      }
      if (!res.ok || !res.body) {
        return res.json().then(function (b) { throw new Error(b.detail || t.failed); },
          function () { throw new Error(t.failed); });
      }
      var reader = res.body.getReader();
      var decoder = new TextDecoder("utf-8");
      var buffer = "";
      var done = false;
      function onEvent(name, payload) {
        if (name === "meta") {
          if (payload.mode === "generating" && !started) textNode.textContent = t.writing;
        } else if (name === "delta") {
          if (!started) { started = true; answer.content = ""; }
          answer.content += payload.text;
          textNode.textContent = answer.content;
          log.scrollTop = log.scrollHeight;
        } else if (name === "reset") {
          answer.content = "";
          textNode.textContent = "";
        } else if (name === "citations") {
          answer.citations = payload.citations;
          answer.refused = payload.refused;
        } else if (name === "done") {
          answer.message_id = payload.message_id;
          answer.refused = payload.refused;
          done = true;
        } else if (name === "error") {
          throw new Error(payload.detail || t.failed);
        }
      }
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) {
            buffer = parseEvents(buffer + decoder.decode() + "\n\n", onEvent);
            if (!done) throw new Error(t.failed);
            finish(true);
            return;
          }
          buffer = parseEvents(buffer + decoder.decode(chunk.value, { stream: true }), onEvent);
          return pump();
        });
      }
      return pump();
    }).catch(function (err) {
      var network = !err || err.name === "TypeError";
      if (network && window.console) {
        console.warn("[mttq-widget] " + apiBase + " could not be reached. If the server runs, this page's origin (" +
          location.origin + ") is probably missing from its MTTQ_CORS_ORIGINS setting.");
      }
      fail(!network && err.message ? err.message : t.failed);
    });
  }

  function open() {
    panel.hidden = false;
    root.classList.add("open");
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", t.close);
    renderAll();
    input.focus();
  }

  function close() {
    panel.hidden = true;
    root.classList.remove("open");
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", t.open);
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
  closeButton.addEventListener("click", close);
  resetButton.addEventListener("click", function () {
    messages = [];
    save();
    renderAll();
    input.focus();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var q = input.value;
    input.value = "";
    showNote("");
    ask(q);
  });
  // a paste longer than the limit is cut to it (as maxlength would, silently): say so
  input.addEventListener("paste", function (event) {
    var data = event.clipboardData || window.clipboardData;
    var pasted = data ? data.getData("text") : "";
    var start = input.selectionStart, end = input.selectionEnd;
    var room = MAX_QUESTION - (input.value.length - (end - start));
    if (pasted.length <= room) return;
    event.preventDefault();
    input.setRangeText(pasted.slice(0, Math.max(room, 0)), start, end, "end");
    showNote(t.cut);
  });
  input.addEventListener("input", function () {
    if (!note.hidden && input.value.length < MAX_QUESTION) showNote("");
  });

  function showNote(text) {
    note.textContent = text;
    note.hidden = !text;
  }

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.stopPropagation(); close(); }
  });

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
