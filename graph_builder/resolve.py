"""Find titles that very likely name the same document, with a score and the reasons why.

Two nodes whose titles differ only by a jurisdiction prefix (上海市… / …), 本市 written out,
标准 for 规范, a marker like 推进 or 进一步, or a version mark ((试行), (2024版)) share a
*core*; nodes sharing a core are candidates. The same title cited from two jurisdictions
(the national 《关于加强…的意见》 cited by Shanghai and by Chengdu) is a candidate too.
Candidates are only ever linked, never merged: policykg cannot know that 《X(试行)》 and
《X》 are one document, so it says how likely it is and lets the analyst decide.
Grouping by core keeps this linear in the number of titles.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from policykg.graph_builder.text import normalize_title

_VERSION = re.compile(r"\((?:试行|暂行|草案|征求意见稿|修订稿|送审稿|修订版|\d{4}年?版|\d{4}年?修订)\)")
_MARKERS = ("进一步", "推进", "加快", "关于", "全面", "深入")
_LOCAL = re.compile(r"本市|我市|全市|本省|我省|全省|本区|我区")


@dataclass(frozen=True)
class Match:
    first: str  # node IRIs, first < second
    second: str
    score: float
    reasons: tuple[str, ...]


def core(title: str, places: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """Return a title's core and the differences dropped to reach it."""
    text, dropped = normalize_title(title), []
    stripped = _VERSION.sub("", text)
    if stripped != text:
        dropped.append("version mark")
        text = stripped
    local = _LOCAL.sub("", text)
    if local != text:
        dropped.append("本市/本省")
        text = local
    for place in places:
        if place in text:
            text = text.replace(place, "", 1)
            dropped.append("jurisdiction prefix")
            break
    for marker in _MARKERS:
        if marker in text:
            text = text.replace(marker, "")
            dropped.append(f"marker {marker}")
    if text.endswith("规范"):
        text = text[:-2] + "标准"
        dropped.append("标准/规范")
    return text, tuple(dropped)


def matches(titles: dict[str, set[str]], places: tuple[str, ...]) -> list[Match]:
    """Return candidate pairs among document nodes, given each node's titles as written."""
    by_core: dict[str, list[tuple[str, str, tuple[str, ...]]]] = defaultdict(list)
    for node, written in titles.items():
        for title in sorted(written):
            key, dropped = core(title, places)
            if len(key) >= 4:  # a core of a word or two would join unrelated titles
                by_core[key].append((node, normalize_title(title), dropped))
    found: dict[tuple[str, str], Match] = {}
    for members in by_core.values():
        for (node_a, title_a, dropped_a), (node_b, title_b, dropped_b) in combinations(sorted(members), 2):
            if node_a == node_b:
                continue
            reasons = tuple(sorted(set(dropped_a) ^ set(dropped_b))) if title_a != title_b else ("same title in another jurisdiction",)
            reasons = reasons or ("same core",)
            score = round(max(0.5, 0.95 - 0.1 * (len(reasons) - 1) - (0.3 if reasons == ("same title in another jurisdiction",) else 0)), 2)
            pair = tuple(sorted((node_a, node_b)))
            if pair not in found or found[pair].score < score:
                found[pair] = Match(pair[0], pair[1], score, reasons)
    return sorted(found.values(), key=lambda match: (match.first, match.second))
