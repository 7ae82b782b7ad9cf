"""Reduce an HTML page to the text of its article, with one line per block.

Government sites wrap a document in navigation, share buttons and footers. Elements that
are boilerplate by tag (header, footer, nav, aside) or by class or id (nav, menu, footer,
breadcrumb, copyright, share …) are set aside, and the article is the smallest remaining
element that holds most of the page's sentence ends (。), whatever the template calls it.
Table cells become ``label | value`` on one line, as portals print their metadata, and
metadata rows found outside the article (索引号, 发文字号 …) are kept before it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from policykg.graph_builder.metadata import header_field

_BLOCK = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody",
    "thead", "tfoot", "tr", "ul",
}
_CELL = {"td", "th"}
_BOILERPLATE_TAGS = {"header", "footer", "nav", "aside"}
_BOILERPLATE = re.compile(r"nav|menu|footer|header|breadcrumb|crumb|copyright|share|position|sidebar|toolbar|banner|login|search", re.I)
_SITE_SUFFIX = re.compile(r"\s*[_|－—-]+\s*")
_SKIP = {"script", "style", "noscript", "template", "head", "iframe", "object", "svg", "select", "button"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
_SENTENCE_END = "。"


@dataclass
class _Node:
    tag: str
    parent: "_Node | None"
    pieces: list = field(default_factory=list)  # str or _Node, in order
    boilerplate: bool = False

    def text(self) -> str:
        out = []
        for piece in self.pieces:
            out.append(piece if isinstance(piece, str) else piece.text())
        return "".join(out)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", None)
        self.current = self.root
        self.skip_depth = 0
        self.title = ""
        self.in_title = False
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and attributes.get("name") and attributes.get("content"):
            self.meta.setdefault(attributes["name"], attributes["content"])
        if tag == "title":
            self.in_title = True
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip_depth += 1
            return
        if self.skip_depth or tag in _VOID:
            if tag in _BLOCK and not self.skip_depth:
                self.current.pieces.append("\n")
            return
        marks = f"{attributes.get('class') or ''} {attributes.get('id') or ''}"
        node = _Node(tag, self.current, boilerplate=tag in _BOILERPLATE_TAGS or bool(_BOILERPLATE.search(marks)))
        if tag in _BLOCK:
            node.pieces.append("\n")
        elif tag in _CELL:
            node.pieces.append(" | ")
        self.current.pieces.append(node)
        self.current = node

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth or tag in _VOID:
            return
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is None:  # a stray end tag: ignore it
            return
        if tag in _BLOCK:
            node.pieces.append("\n")
        self.current = node.parent or self.root

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        if not self.skip_depth:
            self.current.pieces.append(data)


@dataclass(frozen=True)
class Page:
    title: str
    text: str
    meta: tuple[tuple[str, str], ...]


def _lines(raw: str) -> str:
    lines = (line.strip(" \t\u00a0|") for line in html.unescape(raw).split("\n"))
    return "\n".join(line for line in lines if line.strip("\u3000 |"))


def _content(node: _Node) -> str:
    """Return the text of an element without its boilerplate descendants."""
    return "".join(piece if isinstance(piece, str) else "" if piece.boilerplate else _content(piece) for piece in node.pieces)


def _article(root: _Node) -> _Node:
    """Descend to the smallest element still holding 80 % of the page's sentence ends outside boilerplate."""
    total = _content(root).count(_SENTENCE_END)
    node = root
    while total:
        children = [piece for piece in node.pieces if isinstance(piece, _Node) and not piece.boilerplate]
        richest = max(children, key=lambda child: _content(child).count(_SENTENCE_END), default=None)
        if richest is None or _content(richest).count(_SENTENCE_END) < 0.8 * total:
            break
        node = richest
    return node


def page_text(markup: str) -> Page:
    """Return the title, the article text and the meta tags of an HTML page."""
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    meta = builder.meta
    heading = _first(builder.root, "h1")
    site_title = max(_SITE_SUFFIX.split(" ".join(builder.title.split())), key=len, default="")
    title = " ".join((meta.get("ArticleTitle") or (heading.text() if heading else "") or site_title).split())
    body = _lines(_content(_article(builder.root)))
    if title and body.split("\n", 1)[0] == title:
        body = body.split("\n", 1)[1] if "\n" in body else ""
    header = [title] if title else []
    if meta.get("PubDate"):
        header.append(f"发布时间：{meta['PubDate']}")
    # metadata rows outside the article (索引号 | … | 发文字号 | …) say what the document is
    header += [
        line for line in _lines(builder.root.text()).split("\n")
        if header_field(line) and line not in body and not line.rstrip(" |").endswith(("：", ":"))
    ]
    text = "\n".join(header + [body]) if header else body
    return Page(title, text, tuple(sorted(meta.items())))


def _first(node: _Node, tag: str) -> _Node | None:
    for piece in node.pieces:
        if isinstance(piece, _Node):
            if piece.tag == tag:
                return piece
            found = _first(piece, tag)
            if found:
                return found
    return None
