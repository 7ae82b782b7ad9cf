"""Find government bodies in a sentence, resolve them to canonical names, and read their role.

- lead: 牵头单位：X / 责任单位：X, X牵头, X负责 (the first of several: A会同B负责), 配合X
  (X leads what the issuer supports), and the first body of a responsibility list
  (［市民政局、市财政局…按职责分工负责］), following the genre's convention;
- partner: 会同/协同/联合/协调/指导 X, X配合, and the other bodies of a responsibility list;
- issuer: the body that issues a cited document (由X出台《…》, X等5部门联合印发的《…》);
- mention: anything else. Names inside 《》 are part of a title, not mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from policykg.graph_builder.extractors.citations import titles
from policykg.graph_builder.gazetteer import Gazetteer
from policykg.graph_builder.records import AgencyMention, Sentence, Span

RULE = "agencies.v1"

# the name goes on into a word that is no body: 民政部门, 局长, 市级; 市政府规章 stays a mention of 市政府
_CONTINUES = frozenset("部门 部署 局长 部长 厅长 处长 委员 主任".split())
_DISTRICT = re.compile(r"[区县旗](?:人民)?政府")  # 徐汇区政府, 浦东新区人民政府: the name is read backwards
_CONNECTOR = frozenset("同与和及由对向在会协配指、，,；;（(“ \u3000\n")
_DOC_NUMBER_AFTER = re.compile(r"发\s*[〔\[［(（]\s*\d{4}")  # 中办发〔2024〕: the prefix of a 文号, not a body
# 市大数据中心 inside 智慧城市大数据中心: a relative form glued to the word before it is no name
_GLUED = frozenset("城都全本该各超门")
_PARTNER_BEFORE = re.compile(r"(?:会同|协同|联合|协调|商请|联同|指导)[^，,。；;]{0,4}$")
_LEAD_BEFORE = re.compile(r"(?:配合|协助|支持)[^，,。；;]{0,2}$")
_LEAD_LABEL = re.compile(r"(?:牵头(?:考核)?单位|责任单位|牵头部门|主管部门|责任部门)[：:]\s*$")
_ISSUING = r"(?:印发|出台|发布|颁布|制发)"
_ISSUER_BEFORE = re.compile(r"由\s*$")  # 由X出台《…》
_ISSUER_AFTER = re.compile(rf"^(?:等\s*\d+\s*个?部门)?(?:联合)?{_ISSUING}(?:的)?\s*《|^(?:等\s*\d+\s*个?部门)?联合{_ISSUING}")
_ISSUER_AFTER_BY = re.compile(rf"^{_ISSUING}")  # 由市政府办公厅印发 (the title stands before)
_LEAD_AFTER = re.compile(r"^(?:按职责分工)?(?:牵头|负责|具体负责|总负责)|^(?:会同|协同|联合)")  # A会同B…: A acts, B helps
_PARTNER_AFTER = re.compile(r"^(?:等部门)?(?:配合|协助|参与)")
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
        if match.group()[-1] + text[match.end() : match.end() + 1] in _CONTINUES or _DOC_NUMBER_AFTER.match(text, match.end()):
            continue
        if match.group()[0] in "市省区县" and match.start() > start and text[match.start() - 1] in _GLUED:
            continue
        before = text[match.start() - 1] if match.start() > start else ""
        if before in "市区县省" and match.group()[0] not in "市区县省各" and gazetteer.bodies.get(gazetteer.forms[match.group()][0], None) and gazetteer.bodies[gazetteer.forms[match.group()][0]].level == "国家级":
            continue  # 区卫生健康委: the district's commission, which the department pattern finds
        canonical = gazetteer.resolve(match.group(), jurisdiction)
        if canonical:
            found.append((match.start(), match.end(), canonical))
    # 市财政局 in a city the gazetteer lists no 财政局 for: the issuer's city's 财政局
    for match in gazetteer.department_pattern.finditer(text, start, end):
        if any(left <= match.start() < right for left, right in inside_titles) or any(left < match.end() and match.start() < right for left, right, _ in found):
            continue
        if match.start() > start and text[match.start() - 1] in _GLUED or text[match.end() : match.end() + 1] == "门":
            continue
        canonical = gazetteer.resolve_department(match["level"], match["department"], jurisdiction)
        if canonical:
            found.append((match.start(), match.end(), canonical))
    for match in _DISTRICT.finditer(text, start, end):
        left = match.start() - 2  # 徐汇区: two characters, three when the one before is no connector (浦东新区)
        if left - 1 >= start and "\u4e00" <= text[left - 1] <= "\u9fff" and text[left - 1] not in _CONNECTOR:
            left -= 1
        district = text[left : match.start() + 1]
        overlaps = any(a < match.end() and left < b for a, b, _ in found)
        if left < start or overlaps or any(a <= left < b for a, b in inside_titles) or not all("\u4e00" <= char <= "\u9fff" for char in district) or district[0] in "各本全该":
            continue
        canonical = gazetteer.resolve_district(district, jurisdiction)
        if canonical:
            found.append((left, match.end(), canonical))
    found.sort()
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
        head, tail = found[run[0]][0], found[run[-1]][1]
        before = text[max(start, head - 12) : head]
        after = text[tail : tail + 16]
        if _LEAD_LABEL.search(before):
            roles = _assign(roles, run, "lead")
        elif _ISSUER_BEFORE.search(before) and _ISSUER_AFTER_BY.match(after) or _ISSUER_AFTER.match(after):
            roles = _assign(roles, run, "issuer")
        elif _PARTNER_BEFORE.search(before):
            roles = _assign(roles, run, "partner")
        elif _LEAD_BEFORE.search(before):
            # 配合X: X leads what the issuer supports — unless the sentence also has the issuer lead (会同…)
            issuer_leads = bool(_PARTNER_BEFORE.search(text[start:head]) or re.search(r"会同|协同|联合", text[start:head]))
            roles = _assign(roles, run, "partner" if issuer_leads else "lead")
        elif responsibility or _LEAD_AFTER.match(after):
            first_lead = "lead" not in roles  # A、B负责 / ［A、B按职责分工负责，C负责］: the first body leads
            roles[run[0]] = "lead" if first_lead else "partner"
            roles = _assign(roles, run[1:], "partner")
        elif _PARTNER_AFTER.match(after):
            roles = _assign(roles, run, "partner")
    return roles


def _assign(roles: list[str], indices: list[int], role: str) -> list[str]:
    for index in indices:
        roles[index] = role
    return roles
