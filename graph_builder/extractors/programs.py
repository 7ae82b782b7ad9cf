"""Find named programs, projects, campaigns, awards and brands written in “”.

Quotation marks in the genre mark many things: programs (“桥计划”), slogans (“四个意识”),
five-year periods (“十四五”) and scare quotes (“黑中介”). A quoted name counts as a
program when it ends in, or is followed by, a word for something that is run, held or
awarded (计划, 行动, 工程, 项目, 活动, 奖, 周 …), or when a verb of running or holding
(开展, 实施, 举办, 推出 …) introduces it. The national brands of government-service reform
(一网通办, 一件事, 免申即享, 跨省通办, 好差评, 双随机、一公开 …) are programs wherever they stand.

Unquoted, a name ending in 工程, 专项行动, 行动 or 计划 that a verb of running introduces
(推进普惠养老城企联动专项行动, 继续实施…改造提升工程和…达标工程) is a program too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from policykg.graph_builder.records import ProgramMention, Sentence, Span

RULE = "programs.v1"

_QUOTED = re.compile(r"[“\"](?P<name>[^“”\"\n。；;]{2,40}?)[”\"]")
_HEAD = "计划|行动|工程|项目|活动|系列活动|品牌|服务品牌|评选|表彰|大赛|比赛|竞赛|奖|节|周|日|月|试点|改革|专项行动"
_ENDS_AS_PROGRAM = re.compile(rf"(?:{_HEAD}|赛|工匠|顾问)$")
_FOLLOWED_NEAR = re.compile(rf"(?:{_HEAD}|等?[\u4e00-\u9fff]{{0,6}}(?:项目|工程|计划|活动|品牌|行动))")
_INTRODUCED = re.compile(r"(?:开展|实施|举办|办好|打造|启动|组织|选树|评选|落实|深化|拓展|纳入|实现|对标)[^，,。；;“”\"]{0,3}$")
_REFORM_BRAND = re.compile(r"通办|一网|一件事|一次办|跑一次|免申|即享|好办|好差评|双随机|一公开|一业一证|一窗|秒批|秒办|接诉即办|不见面审批|证照分离")
_RUN = "实施|推进|开展|深化|参与|启动|组织实施|继续实施|持续实施|大力实施|深入实施|深入推进|扎实推进|继续开展|持续开展"
_UNQUOTED = re.compile(
    rf"(?:{_RUN})(?P<names>(?:[\u4e00-\u9fff（）()]{{4,24}}?(?:工程|专项行动|行动计划|行动|计划)(?:和|、|及)?)+?)(?=[，,。；;、]|$)"
)
_UNQUOTED_NAME = re.compile(r"[\u4e00-\u9fff（）()]{4,24}?(?:工程|专项行动|行动计划|行动|计划)")
_GENERIC_START = re.compile(r"^(?:各类|一批|相关|有关|重点|各项|专项|三年|年度|工作|相应)")
_NOT_PROGRAM = re.compile(
    r"^(?:十[一二三四五六七八九]五|[一二三四五六七八九十两]+个.*|[一二三四五六七八九十两]+[风有化])$"
)


def extract(sentence: Sentence, text: str) -> Iterator[ProgramMention]:
    """Yield the named programs written in “” in a sentence."""
    start, end = sentence.span.start, sentence.span.end
    for run in _runs(list(_QUOTED.finditer(text, start, end)), text):
        # “一件事”“免申即享”等改革任务: names listed together share what follows the last one
        after = text[run[-1].end() : min(end, run[-1].end() + 10)]
        before = text[max(start, run[0].start() - 8) : run[0].start()]
        shared = bool(_FOLLOWED_NEAR.match(after) or _INTRODUCED.search(before))
        for match in run:
            name = match["name"].strip()
            if _NOT_PROGRAM.match(name) and not _ENDS_AS_PROGRAM.search(name):
                continue
            own = text[match.end() : min(end, match.end() + 10)]
            brand = len(name) <= 8 and _REFORM_BRAND.search(name)
            if shared or _ENDS_AS_PROGRAM.search(name) or _FOLLOWED_NEAR.match(own) or brand:
                yield ProgramMention(Span(sentence.span.doc_id, match.start(), match.end()), name, RULE)
    quoted = [(match.start(), match.end()) for match in _QUOTED.finditer(text, start, end)]
    for run in _UNQUOTED.finditer(text, start, end):
        offset = run.start("names")
        for name in _UNQUOTED_NAME.finditer(text, offset, run.end("names")):
            if text[name.start()] in "和、及":  # …改造提升工程和养老机构消防安全达标工程
                name = _UNQUOTED_NAME.match(text, name.start() + 1, run.end("names")) or name
            if len(name.group()) < 6 or _GENERIC_START.match(name.group()) or "“" in name.group() or any(left < name.end() and name.start() < right for left, right in quoted):
                continue
            yield ProgramMention(Span(sentence.span.doc_id, name.start(), name.end()), name.group(), RULE)


def _runs(matches: list[re.Match], text: str) -> list[list[re.Match]]:
    runs: list[list[re.Match]] = []
    for match in matches:
        if runs and re.fullmatch(r"[、和及与]?", text[runs[-1][-1].end() : match.start()]):
            runs[-1].append(match)
        else:
            runs.append([match])
    return runs
