"""Find 《》 titles and the relation the sentence states towards each: issue, amend, draft, implement.

The governing verb is read from the clause before the title (修订《A》《B》等 governs both);
a chain of actions (修订出台, 研究制订并由…出台, 出台《X》并推进落实) keeps the first action
as the relation and the next one as ``secondary``; a verb after the title governs when
nothing before it does (推动《X》编制, 《X》起草工作, 现将《X》印发给你们); a verb used
attributively (新修改的《X》) governs only when no other verb does. 制定/制订 is a draft
in a plan and an issue in a summary of work done.

A title that is a book, film, series, journal or play — said by the word before it
(电影《…》, 出版《…》) or by its ending (…日报, …选读, …文集) — is a creative work and only
mentioned. A standard's code written before the title or in brackets after it
(GB/T 35796—2017《…》, 《…》（建标144—2010）) is kept as the standard's code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from policykg.graph_builder.metadata import DOC_NUMBER
from policykg.graph_builder.records import Citation, Sentence, Span

RULE = "citations.v1"

_CONTEXTUAL = "contextual"  # 制定/制订: drafts in a plan, issues in a summary
VERBS: dict[str, str] = {}
for relation, words in {
    "issues": "出台 印发 发布 颁布 公布 下发 转发 制发 印送",
    "amends": "修订 修改 修正 制、修订 制修订 制定修订 制订修订",
    "drafts": "研究制定 研究制订 推动制定 推动制订 研究出台 研究起草 起草 研制 编制 拟定 编写",
    "implements": "落实 贯彻落实 推进落实 抓好落实 抓落实 执行 贯彻执行 宣贯 学习宣传贯彻 宣传贯彻 学习贯彻 "
    "贯彻 实施 组织实施 遵照 遵循 遵守 符合 达到 对照",
    "basedOn": "依据 根据 按照 依照 参照 遵照执行",
    _CONTEXTUAL: "制定 制订",
}.items():
    for word in words.split():
        VERBS[word] = relation
# 推动修改, 推进落实: a verbal prefix stays part of the verb as written.
_PREFIXED = "(?:推动|推进)?"
_VERB = re.compile(_PREFIXED + "(?:" + "|".join(sorted(map(re.escape, VERBS), key=len, reverse=True)) + ")")
_CLAUSE_BREAK = re.compile(r"[，,；;。：:！？!?\n]")
_CHAIN_GAP = re.compile(r"(?:并|和|及|、|并由[^，,；;。《》]{0,15}?|由[^，,；;。《》]{0,15}?)?")
_ENUM_GAP = re.compile(r"[、和及与或]?|以及|，|,")
_AFTER_VERB = re.compile(r"[^，,；;。《》]{0,6}?(?P<verb>" + _VERB.pattern + ")")
_AFTER_CHAIN = re.compile(r"[^，,；;。《》]{0,12}?并(?:由[^，,；;。《》]{0,12}?)?[^，,；;。《》]{0,6}?(?P<verb>" + _VERB.pattern + ")")
_TRANSMIT = re.compile(r"现(?:将[^，,。；;]*?)?(?:予以|予)?(?P<verb>印发|转发|发布|下发|印送)")
_DOC_NUMBER_AFTER = re.compile(r"\s*[（(]\s*(?P<number>" + DOC_NUMBER.pattern + r")\s*[）)]")
DONE_KINDS = frozenset({"工作总结"})
_WORK_BEFORE = re.compile(
    r"(?:电影|电视剧|纪录片|影片|动画片|微电影|专题片|宣传片|图书|书籍|专著|读本|丛书|杂志|期刊|报纸|栏目|节目|专栏|话剧|"
    r"舞剧|歌剧|戏曲|音乐剧|歌曲|小说|画册|诗集|绘本|出版|阅读|观看|收看|播出|播放|连载|拍摄|创作|演出|上演)[^，,。；;《]{0,4}$"
)
_WORK_TITLE = re.compile(r"(?:日报|晚报|早报|周刊|月刊|杂志|学报|期刊|选读|文选|文集|选集|全集|摘编|读本|语录|丛书)$|^习近平谈")
_CODE = r"(?:[A-Z]{1,4}(?:\s*/\s*[A-Z]{1,2})?|DB\d{2}(?:\s*/\s*T)?|[\u4e00-\u9fff]{1,3})\s*\d+(?:\.\d+)*\s*[—–\-－]+\s*(?:19|20)\d{2}"
_CODE_BEFORE = re.compile(rf"(?P<code>{_CODE})\s*$")
_CODE_AFTER = re.compile(rf"\s*[（(]\s*(?P<code>{_CODE})\s*[）)]")


def titles(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield the spans of balanced 《…》 titles in text[start:end], outermost only."""
    depth, opened = 0, -1
    for index in range(start, end):
        char = text[index]
        if char == "《":
            if depth == 0:
                opened = index
            depth += 1
        elif char == "》" and depth:
            depth -= 1
            if depth == 0 and index - opened > 1:
                yield opened, index + 1


def _relation(word: str, done: bool) -> str:
    core = word.removeprefix("推动").removeprefix("推进") if word not in VERBS else word
    relation = VERBS.get(word, VERBS.get(core, "mentions"))
    if relation == _CONTEXTUAL:
        return "issues" if done else "drafts"
    return relation


def _groups(spans: list[tuple[int, int]], text: str) -> list[list[tuple[int, int]]]:
    """Group titles of one enumeration: 《A》《B》, 《A》、《B》, 《A》和《B》."""
    groups: list[list[tuple[int, int]]] = []
    for span in spans:
        if groups and _ENUM_GAP.fullmatch(text[groups[-1][-1][1] : span[0]]):
            groups[-1].append(span)
        else:
            groups.append([span])
    return groups


def _governing(text: str, clause_start: int, title_start: int, done: bool) -> tuple[str, str, str] | None:
    """Return (relation, verb, secondary) from the verbs of the clause before a title, if any."""
    found = list(_VERB.finditer(text, clause_start, title_start))
    if not found:
        return None
    if re.search(r"[将把]", text[found[-1].end() : title_start]):
        return None  # 现将《X》印发…: the verb comes after the title
    active = [match for match in found if not text.startswith("的", match.end())] or found[-1:]
    chain = [active[-1]]
    for match in reversed(active[:-1]):
        if _CHAIN_GAP.fullmatch(text, match.end(), chain[0].start()):
            chain.insert(0, match)
        else:
            break
    relations = [_relation(match.group(), done) for match in chain]
    primary = relations[0]
    secondary = next((relation for relation in relations[1:] if relation != primary), "")
    if secondary:
        return primary, chain[0].group(), secondary
    return primary, text[chain[0].start() : chain[-1].end()], ""


def extract(sentence: Sentence, text: str, done: bool) -> Iterator[Citation]:
    """Yield a Citation for every 《》 title in a sentence, with the relation its verb states."""
    start, end = sentence.span.start, sentence.span.end
    spans = list(titles(text, start, end))
    for group in _groups(spans, text):
        first, last = group[0][0], group[-1][1]
        clause_start = start
        for match in _CLAUSE_BREAK.finditer(text, start, first):
            clause_start = match.end()
        clause_end = end
        following = _CLAUSE_BREAK.search(text, last, end)
        if following:
            clause_end = following.start()
        governing = _governing(text, clause_start, first, done)
        if governing is None:
            after = _AFTER_VERB.match(text, last, clause_end)
            transmit = _TRANSMIT.search(text, last, end)
            if after:
                governing = (_relation(after["verb"], done), after["verb"], "")
            elif transmit:
                governing = ("issues", transmit["verb"], "")
            else:
                governing = ("mentions", "", "")
        relation, verb, secondary = governing
        chained = _AFTER_CHAIN.match(text, last, clause_end)
        if not secondary and chained and relation != "mentions":
            extra = _relation(chained["verb"], done)
            secondary = extra if extra != relation else ""
        for title_start, title_end in group:
            title = text[title_start + 1 : title_end - 1]
            number = _DOC_NUMBER_AFTER.match(text, title_end, end)
            code = _CODE_BEFORE.search(text, max(start, title_start - 24), title_start) or _CODE_AFTER.match(text, title_end, end)
            work = bool(_WORK_BEFORE.search(text, max(start, title_start - 12), title_start) or _WORK_TITLE.search(title))
            yield Citation(
                Span(sentence.span.doc_id, title_start, title_end),
                title,
                "mentions" if work else relation,
                verb,
                "" if work else secondary,
                number["number"] if number else "",
                re.sub(r"\s+", " ", code["code"]).strip() if code else "",
                work,
                RULE,
            )
