"""Find government bodies in a sentence, resolve them to canonical names, and read their role.

A body after 会同/协同/联合/协调 is a partner; one named as 牵头 or before 负责 is the
lead; in a responsibility list (［市民政局、市财政局…按职责分工负责］) the first body
listed leads and the others are partners, following the genre's convention. A body after
配合 leads the work the issuer supports. Names inside 《》 are part of a title, not mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from policykg.graph_builder.extractors.citations import titles
from policykg.graph_builder.gazetteer import Gazetteer
from policykg.graph_builder.records import AgencyMention, Sentence, Span

RULE = "agencies.v1"

_WORD_GOES_ON = re.compile(r"门|长|级|属|系统")  # 民政部门, 市政府规章 stays a mention of 市政府
_PARTNER_BEFORE = re.compile(r"(?:会同|协同|联合|协调|商请|联同)[^，,。；;]{0,4}$")
_LEAD_BEFORE = re.compile(r"(?:配合|协助|支持)[^，,。；;]{0,2}$")
_LEAD_LABEL = re.compile(r"(?:牵头(?:考核)?单位|责任单位|牵头部门|主管部门)[：:]\s*$")
_RESPONSIBILITY = re.compile(r"^[［\[【(（]?.*(?:负责|牵头|责任单位|配合)[^［\[【(（]*[］\]】)）]?$")
_LIST_GAP = re.compile(r"\s*[、，,和及与]?\s*")


def is_responsibility(sentence_text: str) -> bool:
    """Tell whether a sentence is a bracketed list of responsible bodies (［…负责］, （…牵头考核单位：…）)."""
    return bool(_RESPONSIBILITY.match(sentence_text)) and sentence_text[:1] in "［[【(（" and sentence_text[-1:] in "］]】)）"


def extract(sentence: Sentence, text: str, gazetteer: Gazetteer, jurisdiction: str) -> Iterator[AgencyMention]:
    """Yield the bodies a sentence names, resolved in ``jurisdiction``, with their roles."""
    start, end = sentence.span.start, sentence.span.end
    inside_titles = list(titles(text, start, end))
    found: list[tuple[int, int, str]] = []
    for match in gazetteer.pattern.finditer(text, start, end):
        if any(left <= match.start() < right for left, right in inside_titles):
            continue
        if _WORD_GOES_ON.match(text, match.end()) and match.group() not in ("市政府",):
            continue
        canonical = gazetteer.resolve(match.group(), jurisdiction)
        if canonical:
            found.append((match.start(), match.end(), canonical))
    responsibility = is_responsibility(sentence.text)
    roles = _roles(found, text, start, responsibility)
    for (left, right, canonical), role in zip(found, roles):
        yield AgencyMention(Span(sentence.span.doc_id, left, right), text[left:right], canonical, role, RULE)


def _roles(found: list[tuple[int, int, str]], text: str, start: int, responsibility: bool) -> list[str]:
    """Give each found body its role, reading the words before it and the list it stands in."""
    roles = ["mention"] * len(found)
    runs: list[list[int]] = []  # indices of bodies listed together (A、B和C)
    for index, (left, _, _) in enumerate(found):
        if runs and _LIST_GAP.fullmatch(text, found[runs[-1][-1]][1], left):
            runs[-1].append(index)
        else:
            runs.append([index])
    for run in runs:
        head = found[run[0]][0]
        before = text[max(start, head - 12) : head]
        if _LEAD_LABEL.search(before):
            for index in run:
                roles[index] = "lead"
        elif _PARTNER_BEFORE.search(before):
            for index in run:
                roles[index] = "partner"
        elif _LEAD_BEFORE.search(before):
            for index in run:
                roles[index] = "lead"
        elif responsibility:
            roles[run[0]] = "lead" if "lead" not in roles else "partner"
            for index in run[1:]:
                roles[index] = "partner"
        else:
            after = text[found[run[-1]][1] : found[run[-1]][1] + 3]
            if after.startswith("牵头"):
                for index in run:
                    roles[index] = "lead"
    return roles
