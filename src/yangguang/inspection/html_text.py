"""Text of parsed pages as a reader sees it: no scripts or styles, one line per block, short excerpts."""

from __future__ import annotations

import re
from typing import Any

NOT_TEXT = frozenset({"script", "style", "noscript", "template", "-comment"})
BLOCKS = frozenset({"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
                    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
                    "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"})
EXCERPT_CHARS = 200
_SPACES = re.compile(r"\s+")


def collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def text_lines(node: Any) -> str:
    """The text of ``node`` (a selectolax node) without scripts, styles and comments, one line per block
    element (a paragraph, a list item, a table cell...), whitespace collapsed within each line."""
    if node is None:
        return ""
    parts: list[str] = []
    stack: list[tuple[Any, bool]] = [(node, False)]
    while stack:
        current, closing = stack.pop()
        if closing:
            parts.append("\n")
        elif current.tag == "-text":
            parts.append(current.text_content or "")
        elif current.tag not in NOT_TEXT:
            if current.tag in BLOCKS:
                parts.append("\n")
                stack.append((current, True))
            stack.extend((child, False) for child in reversed(list(current.iter(include_text=True))))
    lines = (collapse(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def visible_text(node: Any) -> str:
    """The text of ``node`` on one line (see :func:`text_lines`)."""
    return text_lines(node).replace("\n", " ")


def page_lines(tree: Any) -> str:
    """The visible text of a parsed page's body (its root when it has none), one line per block."""
    if tree is None:
        return ""
    return text_lines(tree.body if tree.body is not None else tree.root)


def excerpt(text: str, start: int = 0, end: int | None = None, limit: int = EXCERPT_CHARS) -> str:
    """At most ``limit`` characters of ``text`` around ``text[start:end]``, the span kept whole when it fits."""
    end = len(text) if end is None else end
    if len(text) <= limit:
        return text
    if end - start >= limit:
        return text[start:start + limit]
    before = (limit - (end - start)) // 2
    left = max(0, min(start - before, len(text) - limit))
    return text[left:left + limit]
