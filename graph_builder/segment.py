"""Cut a document's text into parts, sections and sentences, keeping every offset.

A notice that transmits documents (印发《A》和《B》) holds its own text and then each
transmitted document, which starts at a line that repeats its title; an annex starts at
a line 附件 followed by its title. Within a part, lines that open with a number are
section headings (一、 → (一) → 1. / 一是 / (1)). A kind of number nests under the
sections open when it first appears and is a sibling of its own kind, so depth follows
the order in which a part uses its numbers and a part that starts at (一) works too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policykg.graph_builder import metadata
from policykg.graph_builder.records import Part, Section, Sentence, Span
from policykg.graph_builder.text import DATE_LINE, SPACE, normalize_title

_CN = "一二三四五六七八九十百零〇两"
_MARKERS = (
    ("chapter", re.compile(rf"第[{_CN}\d]+章")),  # 第一章
    ("jie", re.compile(rf"第[{_CN}\d]+节")),  # 第一节
    ("article", re.compile(rf"第[{_CN}\d]+条")),  # 第一条: articles are named by their number
    ("cn-dun", re.compile(rf"[{_CN}]+[、，,．.]")),  # 一、
    ("cn-paren", re.compile(rf"[(（][{_CN}]+[)）][、，,]?")),  # (一)
    ("cn-shi", re.compile(rf"(?:第)?[{_CN}]+是")),  # 一是
    ("arabic-dot", re.compile(r"\d{1,3}(?:[．.、](?!\d)|[)）]\s?)")),  # 1. 1、 1)
    ("arabic-paren", re.compile(r"[(（]\d{1,3}[)）]")),  # (1)
    ("circled", re.compile(r"[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]")),
)
_SENTENCE_END = "。！？；!?;"
_CLAUSE_PUNCT = "，,；;：:、"
_ANNEX_LINE = re.compile(rf"^[{SPACE}]*附[{SPACE}]*件[{SPACE}]*\d*[{SPACE}]*[:：]?[{SPACE}]*$")
_ANNEX_HEAD = re.compile(rf"^附[{SPACE}]*件[{SPACE}]*(?P<number>\d*)[{SPACE}]*(?P<colon>[:：])?[{SPACE}]*(?P<rest>.*)$")
_LIST_NUMBER = re.compile(rf"^\d+[．.、][{SPACE}]*")
_TRANSMIT = re.compile(r"印发|转发|发布|下发|印送|颁发")
_TITLE_IN_QUOTES = re.compile(r"《([^《》\n]{2,120})》")
_TRANSMITTED_UNQUOTED = re.compile(r"(?:印发|转发)(?P<title>.{4,80}?)的通知$")
_SHORT_TITLE = 30
_KIND_ENDINGS = (
    "政府工作报告", "工作报告", "工作要点", "工作总结", "决议", "报告", "实施细则", "细则", "实施意见", "指导意见", "若干意见", "意见",
    "行动方案", "实施方案", "工作方案", "方案", "行动计划", "计划", "规划", "纲要", "条例", "办法", "规定",
    "规程", "导则", "指引", "指南", "标准", "规范", "决定", "清单", "目录", "措施", "通知", "通告", "公告", "法典", "法",
)
_BRACKETS = "()（）"


def _without_trailing_brackets(title: str) -> str:
    """Drop bracketed groups at the end, (试行)(2024—2027年), scanning back from the end: a regular
    expression anchored at ``$`` would retry from every bracket of a long run of them."""
    while title and title[-1] in ")）":
        opening = max(title.rfind("("), title.rfind("（"))
        if opening < 0 or any(char in _BRACKETS for char in title[opening + 1 : -1]):
            break
        title = title[:opening]
    return title


def kind_of(title: str) -> str:
    """Return the kind word a title ends with (办法, 方案, 工作要点 …), ignoring (试行)/(2024—2027年)."""
    core = _without_trailing_brackets(normalize_title(title)).rstrip(" \"'")
    for ending in _KIND_ENDINGS:
        if core.endswith(ending):
            return ending
    return ""


@dataclass(frozen=True)
class _Line:
    start: int  # offset of the first non-space character
    end: int  # offset after the last non-space character
    text: str


_INLINE_SHI = re.compile(rf"(?<=[。；;：:])[{SPACE}]*(?=(?:第)?[{_CN}]+是)")


def _split_inline_items(text: str, lines: list[_Line]) -> list[_Line]:
    """Split a line that runs its items together (…。二是…。三是…) at each item, so each is a section."""
    out = []
    for line in lines:
        if not re.search(rf"(?:^|[。；;：:])[{SPACE}]*(?:第)?一是", line.text) or "二是" not in line.text:
            out.append(line)
            continue
        cuts = [line.start] + [line.start + match.end() for match in _INLINE_SHI.finditer(line.text)] + [line.end]
        for left, right in zip(cuts, cuts[1:]):
            piece = text[left:right].strip(SPACE)
            if piece:
                first = left + text[left:right].index(piece[0])
                out.append(_Line(first, first + len(piece), piece))
    return out


def _lines(text: str, start: int, end: int) -> list[_Line]:
    lines, offset = [], start
    for raw in text[start:end].split("\n"):
        stripped = raw.strip(SPACE)
        if stripped:
            first = offset + raw.index(stripped[0])
            lines.append(_Line(first, first + len(stripped), stripped))
        offset += len(raw) + 1
    return lines


def transmitted_titles(text: str, title: str) -> list[str]:
    """Return the titles of the documents a notice transmits, as written, in order."""
    titles: list[str] = []
    head = text[: min(len(text), 3000)]
    if _TRANSMIT.search(title):
        titles.extend(_TITLE_IN_QUOTES.findall(title))
        unquoted = _TRANSMITTED_UNQUOTED.search(title)
        if not titles and unquoted:
            titles.append(unquoted["title"])
    for line in head.split("\n")[1:40]:
        if _TRANSMIT.search(line) and "《" in line:
            titles.extend(_TITLE_IN_QUOTES.findall(line))
            break
    seen, unique = set(), []
    for item in titles:
        key = normalize_title(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def annex_list(lines: list[_Line]) -> tuple[list[str], set[int]]:
    """Return the annex titles a document lists and the indices of the listing's lines.

    Listings read 附件：A, 附件：1.A / 2.B, or 附件： followed by one title per line.
    """
    titles: list[str] = []
    listing: set[int] = set()
    for index, line in enumerate(lines):
        head = _ANNEX_HEAD.match(line.text)
        if not head or not head["colon"] or head["number"]:
            continue  # 附件1：TITLE starts an annex, it does not list one
        listing.add(index)
        rest = head["rest"].strip(SPACE)
        if rest:
            titles.append(_LIST_NUMBER.sub("", rest))
            if not _LIST_NUMBER.match(rest):
                continue  # 附件：TITLE — a single annex
        numbered = bool(rest)
        for follower in range(index + 1, min(len(lines), index + 30)):
            text = lines[follower].text
            if follower == index + 1 and not rest:
                numbered = bool(_LIST_NUMBER.match(text))
            candidate = _LIST_NUMBER.sub("", text)
            if (numbered and not _LIST_NUMBER.match(text)) or _ANNEX_HEAD.match(text) or len(candidate) > 60 or re.search(r"[。；;]", candidate):
                break
            titles.append(candidate)
            listing.add(follower)
            if not numbered:
                break  # an unnumbered list holds one title
    return titles, listing


def _title_at(lines: list[_Line], index: int, key: str) -> int:
    """Return how many lines (1 or 2) starting at ``index`` spell the title ``key``, 0 if none."""
    if normalize_title(lines[index].text) == key:
        return 1
    if index + 1 < len(lines) and normalize_title(lines[index].text + lines[index + 1].text) == key:
        return 2  # 上海市养老服务设施布局专项规划 / （2024—2035年）
    return 0


def split_parts(doc_id: str, text: str) -> list[Part]:
    """Return the file's own document and each document or annex it carries, in text order."""
    title_start, title_end, title = metadata.title_line(text)
    lines = _lines(text, 0, len(text))
    starts: list[tuple[int, str, str, int, int]] = []  # (part start, title, role, title start, title end)
    search_from = 1
    for wanted in transmitted_titles(text, title):
        key = normalize_title(wanted)
        for index in range(search_from, len(lines)):
            width = _title_at(lines, index, key)
            if width:
                last = lines[index + width - 1]
                starts.append((lines[index].start, text[lines[index].start : last.end].replace("\n", ""), "transmitted", lines[index].start, last.end))
                search_from = index + width
                break
    annexes, listing = annex_list(lines)
    after_listing = max(listing, default=0) + 1
    for wanted in annexes:
        key = normalize_title(wanted)
        for index in range(after_listing, len(lines)):
            head = _ANNEX_HEAD.match(lines[index].text)
            if head and head["rest"] and normalize_title(_LIST_NUMBER.sub("", head["rest"])) == key:
                line = lines[index]  # 附件1：TITLE on one line
                title_at = line.start + line.text.index(head["rest"][:1])
                starts.append((line.start, head["rest"], "annex", title_at, line.end))
            elif head and not head["rest"] and index + 1 < len(lines) and _title_at(lines, index + 1, key):
                width = _title_at(lines, index + 1, key)
                first, last = lines[index + 1], lines[index + width]
                starts.append((lines[index].start, text[first.start : last.end].replace("\n", ""), "annex", first.start, last.end))
            else:
                continue
            after_listing = index + 1
            break
    starts.sort()
    parts = [Part(Span(doc_id, title_start, starts[0][0] if starts else len(text)), title, kind_of(title), "notice", 0, Span(doc_id, title_start, title_end))]
    for ordinal, (start, part_title, role, title_at, title_to) in enumerate(starts, 1):
        end = starts[ordinal][0] if ordinal < len(starts) else len(text)
        kind = "附件" if role == "annex" else kind_of(part_title)
        parts.append(Part(Span(doc_id, start, _rstrip(text, start, end)), part_title, kind, role, ordinal, Span(doc_id, title_at, title_to)))
    return parts


def listing_lines(text: str) -> set[int]:
    """Return the offsets of the lines that list annexes (附件：1.A …): they are not work items."""
    lines = _lines(text, 0, len(text))
    return {lines[index].start for index in annex_list(lines)[1]}


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in SPACE + "\n":
        end -= 1
    return end


def _marker(line: str) -> tuple[str, str] | None:
    for name, pattern in _MARKERS:
        match = pattern.match(line)
        if match and len(line) > match.end():
            return name, match.group()
    return None


def _is_meta_line(line: str, issuer: str) -> bool:
    return (
        metadata.header_field(line)
        or bool(DATE_LINE.match(line))
        or bool(metadata.DOC_NUMBER.fullmatch(line))
        or (issuer and re.sub(rf"[{SPACE}、]+", "", line) == re.sub(rf"[{SPACE}、]+", "", issuer))
        or bool(re.fullmatch(r"[(（]此件[^)）]*[)）]", line))
        or bool(_ANNEX_LINE.match(line))
    )


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split text[start:end] (one line) into sentences and clauses ending in 。！？；, skipping 《》 insides."""
    spans, depth, begin = [], 0, start
    for index in range(start, end):
        char = text[index]
        if char == "《":
            depth += 1
        elif char == "》":
            depth = max(0, depth - 1)
        elif char in _SENTENCE_END and depth == 0:
            spans.append((begin, index + 1))
            begin = index + 1
    spans.append((begin, end))
    trimmed = []
    for left, right in spans:
        while left < right and text[left] in SPACE:
            left += 1
        while right > left and text[right - 1] in SPACE:
            right -= 1
        if right > left and any(char.isalnum() for char in text[left:right]):
            trimmed.append((left, right))
    return trimmed


def _lead_title(text: str, start: int, end: int) -> int | None:
    """Return the end of a short lead sentence that names the section (织密城市社区服务网络。), if any."""
    for index in range(start, min(end, start + _SHORT_TITLE + 1)):
        char = text[index]
        if char in _CLAUSE_PUNCT or char in "《“\"":
            return None
        if char in "。！？":
            return index + 1 if index + 1 < end else None
    return None


def segment(doc_id: str, text: str, issuer: str = "") -> tuple[list[Part], list[Section], list[Sentence]]:
    """Return the parts, sections and sentences (work items) of a document's text."""
    parts = split_parts(doc_id, text)
    listed = listing_lines(text)
    sections: list[Section] = []
    sentences: list[Sentence] = []
    for part in parts:
        lines = _split_inline_items(text, _lines(text, part.span.start, part.span.end))
        stack: list[tuple[str, tuple[int, ...]]] = []  # (kind, path) of open sections
        counters: dict[tuple[int, ...], int] = {}
        ordinal = 0

        def add(span_start: int, span_end: int, section: tuple[int, ...], heading: bool = False) -> None:
            nonlocal ordinal
            sentences.append(Sentence(Span(doc_id, span_start, span_end), part.ordinal, section, ordinal, text[span_start:span_end], heading))
            ordinal += 1

        add(part.title_span.start, part.title_span.end, (), heading=True)
        for line in lines:
            if line.start < part.title_span.end or line.start in listed or _ANNEX_LINE.match(line.text):
                continue
            if part.role == "notice" and _is_meta_line(line.text, issuer):
                continue
            found = _marker(line.text)
            if not found:
                current = stack[-1][1] if stack else ()
                for left, right in sentence_spans(text, line.start, line.end):
                    add(left, right, current)
                continue
            kind, marker = found
            if any(open_kind == kind for open_kind, _ in stack):  # a sibling: close what is nested deeper
                while stack[-1][0] != kind:
                    stack.pop()
                stack.pop()
            parent = stack[-1][1] if stack else ()
            counters[parent] = counters.get(parent, 0) + 1
            path = parent + (counters[parent],)
            stack.append((kind, path))
            body_start = line.start + len(marker)
            while body_start < line.end and text[body_start] in SPACE:
                body_start += 1
            lead_end = None if kind == "article" else _lead_title(text, body_start, line.end)
            if kind == "article":  # 第三条　…: the article is named by its number, its text is work items
                title_end, rest = None, body_start
            elif lead_end is not None:  # 一是切实改善困难群众基本生活。做好…: the lead names the section
                title_end, rest = lead_end - 1, lead_end
            elif any(char in "。！？；" for char in text[body_start : line.end - 1]) or text[line.end - 1] in "。；":
                title_end, rest = None, body_start  # a numbered paragraph: its sentences are the work items
            else:
                title_end, rest = line.end, line.end  # a heading line
            if kind == "article":
                title, title_span = "", Span(doc_id, line.start, line.start + len(marker))
            elif title_end is None:
                first = sentence_spans(text, body_start, line.end)[0]
                title = text[first[0] : first[1]].rstrip("。；;")
                title_span = Span(doc_id, first[0], first[0] + len(title))
            else:
                title = text[body_start:title_end]
                title_span = Span(doc_id, body_start, title_end)
                add(body_start, title_end, path, heading=True)
            sections.append(Section(Span(doc_id, line.start, line.end), part.ordinal, path, marker, title, title_span))
            for left, right in sentence_spans(text, rest, line.end):
                add(left, right, path)
        _close_sections(sections, part, text)
    return parts, sections, sentences


def _close_sections(sections: list[Section], part: Part, text: str) -> None:
    """Stretch each section of a part to the start of its next sibling or ancestor's sibling."""
    own = [index for index, section in enumerate(sections) if section.part == part.ordinal]
    for position, index in enumerate(own):
        section = sections[index]
        end = part.span.end
        for later in own[position + 1 :]:
            if sections[later].level <= section.level:
                end = sections[later].span.start
                break
        end = _rstrip(text, section.span.start, end)
        sections[index] = Section(Span(section.span.doc_id, section.span.start, end), section.part, section.path, section.marker, section.title, section.title_span)
