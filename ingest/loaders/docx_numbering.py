"""Word list numbering: the labels ("Điều 3.", "a)", "1.2.", "•") that Word computes from
``word/numbering.xml`` and never stores in the paragraph text.

Follows ECMA-376 Part 1 §17.9 (numbering) as Word applies it:

- a paragraph is numbered by its own ``w:numPr`` or by its style's (``w:basedOn`` chain), or
  by an ``w:abstractNum`` level whose ``w:pStyle`` names its style; ``numId`` 0 removes it;
- counters run per abstract definition (``w:abstractNum``), so list instances (``w:num``)
  that share one definition continue one sequence; an instance's ``w:lvlOverride`` /
  ``w:startOverride`` restarts its level when the instance is first used (§17.9.6, §17.9.26);
- using a level restarts the deeper levels (``w:lvlRestart`` may restrict or stop this,
  §17.9.10);
- ``w:lvlText`` "Điều %1." / "%1.%2." replaces ``%k`` by level k's counter in level k's
  ``w:numFmt`` (all decimal with ``w:isLgl``, §17.9.4); formats: decimal, decimalZero,
  lowerLetter / upperLetter (a … z, then aa, bb …, as Word does), lowerRoman / upperRoman,
  bullet, none; other formats fall back to decimal.

docx2python (3.7) was evaluated for this and does not use the level text (it renders
"Điều %1." as "1)"), hence this module.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from docx.oxml.ns import qn

_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
_BULLET = "•"


def roman(n: int) -> str:
    """Lower-case Roman numeral of ``n`` ≥ 1 (``4`` → ``"iv"``)."""
    out = []
    for value, numeral in _ROMAN:
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """``n`` in the Word number format ``fmt`` (``w:numFmt/@w:val``)."""
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        text = roman(n) if n > 0 else ""
        return text.upper() if fmt == "upperRoman" else text
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class Level:
    """One ``w:lvl`` of a numbering definition."""

    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart: restart after a use of this (1-based) level or coarser; 0 never
    legal: bool = False  # w:isLgl
    suffix: str = "tab"  # w:suff: tab, space or nothing
    style: str = ""  # w:pStyle: paragraphs of this style take this level


@dataclass
class _Instance:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # ilvl → startOverride
    levels: dict[int, Level] = field(default_factory=dict)  # ilvl → overriding w:lvl


def _val(element, tag: str) -> str | None:
    child = element.find(qn(tag)) if element is not None else None
    return child.get(qn("w:val")) if child is not None else None


def _level(lvl) -> Level:
    start = _val(lvl, "w:start")
    restart = _val(lvl, "w:lvlRestart")
    legal = lvl.find(qn("w:isLgl"))
    return Level(start=int(start) if start and start.lstrip("-").isdigit() else 1,
                 fmt=_val(lvl, "w:numFmt") or "decimal", text=_val(lvl, "w:lvlText") or "",
                 restart=int(restart) if restart and restart.isdigit() else None,
                 legal=legal is not None and legal.get(qn("w:val"), "1") not in ("0", "false"),
                 suffix=_val(lvl, "w:suff") or "tab", style=_val(lvl, "w:pStyle") or "")


class Numbering:
    """Renders the label of each numbered paragraph, in document order.

    Build it once per document with :meth:`from_document`, then call :meth:`label` on the
    paragraphs in reading order (the counters advance with each call).
    """

    def __init__(self, numbering_element, styles_element) -> None:
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.style_links: dict[str, str] = {}  # abstractNum with w:numStyleLink → style id
        self.instances: dict[str, _Instance] = {}
        self.style_numpr: dict[str, tuple[str | None, str | None]] = {}
        self.style_parent: dict[str, str] = {}
        self.level_by_style: dict[str, tuple[str, int]] = {}  # style id → (abstract id, ilvl)
        self.counters: dict[str, dict[int, int]] = {}
        self.used: set[tuple[str, int]] = set()  # (numId, ilvl) already used (overrides applied)
        if numbering_element is not None:
            self._read_numbering(numbering_element)
        if styles_element is not None:
            self._read_styles(styles_element)

    @classmethod
    def from_document(cls, document) -> "Numbering":
        """The numbering of a python-docx ``Document`` (empty when it has no numbering part)."""
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            numbering = None
        try:
            styles = document.part.styles.element
        except (KeyError, NotImplementedError, AttributeError):
            styles = None
        return cls(numbering, styles)

    def _read_numbering(self, root) -> None:
        for abstract in root.findall(qn("w:abstractNum")):
            aid = abstract.get(qn("w:abstractNumId"))
            levels = {}
            for lvl in abstract.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = _level(lvl)
            self.abstracts[aid] = levels
            link = _val(abstract, "w:numStyleLink")
            if link:
                self.style_links[aid] = link
            for ilvl, level in levels.items():
                if level.style:
                    self.level_by_style.setdefault(level.style, (aid, ilvl))
        for num in root.findall(qn("w:num")):
            instance = _Instance(abstract=_val(num, "w:abstractNumId") or "")
            for override in num.findall(qn("w:lvlOverride")):
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                start = _val(override, "w:startOverride")
                if start and start.lstrip("-").isdigit():
                    instance.starts[ilvl] = int(start)
                lvl = override.find(qn("w:lvl"))
                if lvl is not None:
                    instance.levels[ilvl] = _level(lvl)
            self.instances[num.get(qn("w:numId"))] = instance

    def _read_styles(self, root) -> None:
        for style in root.findall(qn("w:style")):
            sid = style.get(qn("w:styleId"))
            ppr = style.find(qn("w:pPr"))
            numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
            if numpr is not None:
                self.style_numpr[sid] = (_val(numpr, "w:numId"), _val(numpr, "w:ilvl"))
            parent = _val(style, "w:basedOn")
            if parent:
                self.style_parent[sid] = parent

    def _style_numbering(self, style_id: str) -> tuple[str | None, str | None]:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if style_id in self.style_numpr:
                return self.style_numpr[style_id]
            style_id = self.style_parent.get(style_id, "")
        return None, None

    def _abstract_levels(self, aid: str) -> tuple[str, dict[int, Level]]:
        """Follow ``w:numStyleLink`` (a list style) to the definition that holds the levels."""
        for _ in range(4):
            if aid in self.style_links:
                num_id, _ilvl = self._style_numbering(self.style_links[aid])
                target = self.instances.get(num_id or "")
                if target and target.abstract != aid:
                    aid = target.abstract
                    continue
            break
        return aid, self.abstracts.get(aid, {})

    def resolve(self, paragraph_element) -> tuple[str, int] | None:
        """``(numId, ilvl)`` numbering the paragraph, or None."""
        ppr = paragraph_element.pPr
        numpr = ppr.numPr if ppr is not None else None
        style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else ""
        num_id = ilvl = None
        if numpr is not None:
            num_id = numpr.numId.val if numpr.numId is not None else None
            ilvl = numpr.ilvl.val if numpr.ilvl is not None else None
        if num_id is None and style_id:
            style_num, style_ilvl = self._style_numbering(style_id)
            num_id = style_num
            ilvl = ilvl if ilvl is not None else style_ilvl
        if num_id is None or str(num_id) == "0" or str(num_id) not in self.instances:
            return None
        if ilvl is None and style_id in self.level_by_style:
            ilvl = self.level_by_style[style_id][1]
        return str(num_id), int(ilvl or 0)

    def label(self, paragraph_element) -> tuple[str, int, str] | None:
        """The rendered label of a paragraph, its list level and the separator Word puts
        after it (" " for a tab or space, "" for nothing); None when not numbered.
        Advances the counters: call once per paragraph, in reading order."""
        found = self.resolve(paragraph_element)
        if found is None:
            return None
        num_id, ilvl = found
        instance = self.instances[num_id]
        aid, levels = self._abstract_levels(instance.abstract)
        level = instance.levels.get(ilvl) or levels.get(ilvl)
        if level is None:
            return None
        counters = self.counters.setdefault(aid, {})
        if (num_id, ilvl) not in self.used:
            self.used.add((num_id, ilvl))
            if ilvl in instance.starts:
                counters[ilvl] = instance.starts[ilvl] - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            restart = (instance.levels.get(deeper) or levels.get(deeper) or Level()).restart
            if restart is None or (restart > 0 and ilvl < restart):
                del counters[deeper]
        if level.fmt == "bullet":
            text = level.text
            # Symbol/Wingdings bullets live in the private use area: show a plain bullet
            text = _BULLET if not text or any("\ue000" <= ch <= "\uf8ff" for ch in text) else text
        else:
            text = level.text
            for k in range(9, -1, -1):
                placeholder = f"%{k + 1}"
                if placeholder in text:
                    lvl_k = instance.levels.get(k) or levels.get(k) or Level()
                    value = counters.get(k, lvl_k.start)
                    fmt = "decimal" if level.legal and lvl_k.fmt != "decimalZero" else lvl_k.fmt
                    text = text.replace(placeholder, format_number(value, fmt))
        text = text.strip()
        return (text, ilvl, "" if level.suffix == "nothing" else " ") if text else None
