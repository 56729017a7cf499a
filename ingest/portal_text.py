"""Article extraction from a portal page saved as text (menus, counters, link lists).

trafilatura handles real HTML; this handles the same pages after someone saved them
as text, where no markup is left. The signals are the ones such pages share: menu
and link lists as bullet lines, a breadcrumb with ``»``, visitor counters, and the
"Những tin mới hơn / cũ hơn" lists after the article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_BULLET = re.compile(r"^\s*[•·▪►»\-\*]\s*")
_CHROME_PHRASES = (
    "trang nhất", "đang truy cập", "tổng lượt truy cập", "lượt truy cập", "những tin mới hơn",
    "những tin cũ hơn", "tin liên quan", "tin cùng chuyên mục", "các tin khác", "đăng nhập",
    "xem bản:", "click để đánh giá", "đang tải văn bản", "khách viếng thăm", "máy chủ tìm kiếm", "bản quyền thuộc",
)
# Lines that end the article: what follows is related links, ratings or site footer.
_END_MARKERS = re.compile(
    r"^(những tin (mới|cũ) hơn|tin liên quan|tin cùng chuyên mục|các tin khác|tin khác|"
    r"tổng số điểm|click để đánh giá|từ khóa:|từ khoá:|đang truy cập|bình luận|"
    r"chia sẻ bài viết|[_\-=]{10,})",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(r"\s[»›>]\s")
_MIN_BODY_WORDS = 20


@dataclass
class Article:
    """Title and body paragraphs recovered from a saved page."""

    title: str
    paragraphs: list[str]


def looks_like_portal_page(lines: list[str]) -> bool:
    """True when the text carries the chrome of a saved web portal page.

    Two or more chrome phrases (menus, visitor counters, related-news headings)
    make a page; ordinary articles and official documents have none of them as
    whole lines.
    """
    lowered = [line.strip().lower() for line in lines if line.strip()]
    hits = sum(1 for phrase in _CHROME_PHRASES if any(line.startswith(phrase) or
                                                      (phrase in line and len(line) < 60)
                                                      for line in lowered))
    bullets = sum(1 for line in lines if _BULLET.match(line) and line.strip() not in ("-", "*"))
    return hits >= 2 or (hits >= 1 and bullets >= 8)


def is_chrome_line(line: str) -> bool:
    """True for a short line that is portal furniture: visitor counters, "Đăng nhập",
    "Những tin mới hơn", copyright lines."""
    low = line.strip().lower()
    return len(low) < 120 and any(low.startswith(p) or (p in low and len(low) < 60) for p in _CHROME_PHRASES)


def _is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line)) and line.strip()[:1] in "•·▪►»"


def extract_article(lines: list[str]) -> Article:
    """Return the article in a saved page: title, date line, body, author and source.

    The body is the span from the first to the last long (≥ 20 words) non-menu line
    before the first end marker; it is extended upward over the title and date line
    (up to the breadcrumb or menu) and downward over short lines such as
    "Tác giả bài viết:" and "Nguồn tin:".
    """
    stripped = [line.strip() for line in lines]
    end = len(stripped)
    long_lines = [i for i, s in enumerate(stripped)
                  if len(s.split()) >= _MIN_BODY_WORDS and not _is_bullet(s)]
    if not long_lines:
        kept = [s for s in stripped if s and not _is_bullet(s)]
        return Article(title=kept[0] if kept else "", paragraphs=kept)
    first = long_lines[0]
    for i in range(first + 1, len(stripped)):
        if _END_MARKERS.match(stripped[i]):
            end = i
            break
    last = max(i for i in long_lines if i < end)

    start = first
    taken = 0
    for i in range(first - 1, -1, -1):
        s = stripped[i]
        if not s or s in ("•", "·"):
            continue
        if _is_bullet(s) or _BREADCRUMB.search(s) or taken >= 4:
            break
        start = i
        taken += 1
    stop = last
    for i in range(last + 1, end):
        s = stripped[i]
        if not s:
            continue
        if _is_bullet(s):
            break
        stop = i

    paragraphs = [s for s in stripped[start:stop + 1] if s and s not in ("•", "·")]
    title = next((p for p in paragraphs if not re.search(r"\d{1,2}/\d{1,2}/\d{4}", p)
                  or len(p.split()) > 8), paragraphs[0])
    return Article(title=title, paragraphs=paragraphs)
