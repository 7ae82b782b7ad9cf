"""Find measured quantities: a number with its unit, what it measures, and how it is qualified.

Two word orders carry an indicator in the genre: verb–number–unit–measure
(新增30家社区综合为老服务中心) and measure–verb–number–unit (新增养老床位4385张,
持证率达到85%). 万 and 亿 are multiplied out. Whether a number is a target or an actual
result comes from the part it stands in (a plan or a summary) and from 到2025年-style
deadlines; dates, ordinals (第七届) and numbered names are not indicators.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from policykg.graph_builder.records import Indicator, Sentence, Span

RULE = "indicators.v1"

_COUNTERS = "个百分点|百分点|家|个|张|名|户|人次|人|对|件|台|单|项|场|所|处|条|例|床|辆|套|间|座|支|批|位|篇|部|次|起|宗|笔|元|%|％|平方公里|平方米|立方米|公里|千米|公顷|亩|吨|千瓦|岗|种|类|栋|层"
_NUMBER = re.compile(
    rf"(?<![\d.第])(?P<number>\d+(?:\.\d+)?)(?P<mult>万亿|万|亿|千)?(?P<approx>余|多)?(?P<unit>{_COUNTERS}|(?<=[万亿])(?=[\u4e00-\u9fff]{{1,5}}人[，,。；;、]))"
    r"(?![\d年月日届号门])"
)  # the empty unit after 万/亿 is 50万老年人: a count of people written before the noun
_MULTIPLIERS = {"万亿": Decimal(10) ** 12, "万": Decimal(10000), "亿": Decimal(100000000), "千": Decimal(1000), None: Decimal(1)}
_QUALIFIERS = (
    "比上年增长 较上年增长 比上年提高 较上年提高 比上年下降 较上年下降 比上年减少 较上年减少 突破 控制在 建成 "
    "不小于 不大于 不足 低于 高于 最高 最低 最多 同比增长 同比下降 同比提高 同比减少 提高至 提高到 提升至 提升到 降低至 降低到 调整为 增加到 达到 超过 不低于 不少于 不高于 不超过 至少 累计 "
    "新增 新建 改建 扩建 新推广 培训 培养 共计 总计 增加 增长 减少 下降 降低 约 近 超 共 为"
).split()
# 为老服务, 最低生活保障标准: words that qualify a number only right before it
_LEADING_QUALIFIER = re.compile("(?:" + "|".join(sorted(set(_QUALIFIERS) - {"为", "最低", "最高", "最多", "低于", "高于"}, key=len, reverse=True)) + ")")
_QUALIFIER_BEFORE = re.compile("(?:" + "|".join(sorted(_QUALIFIERS, key=len, reverse=True)) + r")\s*$")
_AFTER_QUALIFIER = re.compile(r"(?P<tail>以上|以下|左右|以内)")
_FROM = re.compile(r"(?:从|由)\s*(?:每[\u4e00-\u9fff]{1,4})?\s*$")  # 从/由每人每月1420元调整为1470元
_MEASURE_AFTER = re.compile(
    r"(?:以上|以下|左右)?(?P<measure>(?:[\u4e00-\u9fff“”\"+·A-Za-z]|及以上|及以下|及其){1,30}?)(?=[、，,。；;：:（(]|和|(?<!及)及(?!以上|以下|其)|与|或|$|\d)"
)
_CLAUSE = re.compile(r"[，,；;。：:、]")
_RANGE = re.compile(r"\s*[—–\-－~～至到]\s*$")  # 60%—70%, 3至5个: the upper bound of a range
_FORMULA = re.compile(r"[=＝]")  # 半年考评分值=日常监测（60%）+…: weights of a formula, not indicators
# a predicate after the counted thing ends it: 3万户特殊困难老年人 | 安装智能水表
_PREDICATE = re.compile(r"安装|开展|进行|提供|核实|实现|参展|观展|发布|纳入|获评|荣获|参加|享受|入住|校核|补录|接受|寻亲")
_NOMINAL_VERB = re.compile(r"(?:建设|工作)$")
_ABSTRACT_HEAD = re.compile(r"^(?:目标|任务|要求|工作|计划|规模|水平|基础|基础上|情况|前提|标准)$")  # 3000名咨询师的目标: the count is of 咨询师
_SINCE = re.compile(r"^.*(?:以来|以后|期间)")
_COVERAGE = re.compile(r"覆盖(?:了)?$")  # 覆盖90%以上的街镇 → 街镇覆盖率
_OF_TAIL = re.compile(r"(?:以上|以下|左右)?的(?P<what>[\u4e00-\u9fff]{1,12}?)(?=[、，,。；;：:和及与或（(]|$)")
_SCOPE = re.compile(r"^[(（]?(?:力争|预计|预期|确保|努力|争取|其中|全年|全市|本市|年内|截至\d+月底|共|累计|各类|全省|全区|全县|并|已|再|还|均|另|同时)+")
_INNER_QUALIFIER = re.compile(r"^(?P<head>.{2,}?)(?P<word>新增|新建|累计)(?P<tail>[\u4e00-\u9fff]{1,4})$")  # 项目新增用户
_TRAILING = re.compile(r"(?:(?:推广|提高|提升|增加|降低|下降|达)(?:至|到)|从|由|已|达|均|共|单笔|每笔)?(?:按?每[\u4e00-\u9fff]{1,4})?$")
_PREPOSITION = re.compile(r"^(?:以|为|对|按|从|在)")  # 1所以…为主的县级敬老院: a modifier clause before the head
_GRANT = re.compile(r"(?:的标准)?(?:再)?(?:给予|用于)?(?P<what>(?:一次性)?[\u4e00-\u9fff]{0,4}?(?:补助|补贴|奖励|资助|贴息|经费|资金))")
_DONE = re.compile(r"现有|已有|已经|已建|截至|截止")
_RATE = re.compile(r"(?:率|比例|比重|占比|量|数|额|金额|规模|标准)$")
_BARE_RATE = re.compile(r"^[\u4e00-\u9fff]{0,2}(?:率|比例|比重)$")  # 合格率: whose rate, the sentence said before
_GENERIC = frozenset("资金 数据 事项 集体 个人 人员 对象 项目 金额 人数 户数 资金量".split())
_VERB_IN_MEASURE = re.compile(
    r"(?:发放|支出|募集|销售|办理|救助|帮助|完成|布设|部署|录用|动员|发布|涉及|惠及|提供|开展|实现|超额完成|选树|纳入|优化升级|持续优化|备案|认定)"
)
_TARGET_YEAR = re.compile(r"(?:到|至|在)\s*(?P<year>20\d{2})\s*年")
_PLAN_PERIOD = {"十四五": 2025, "十五五": 2030, "十三五": 2020}  # “十四五”期间 / 末: the period's last year
_PERIOD_WORD = re.compile(r"[“\"]?(十[三四五]五)[”\"]?(?:期间|末|时期)")
_CLASSIFIERS_BEFORE_NOUN = set("家个张名户对件台单项场所处条床辆套间座支批位篇部种类栋层")
# a unit of measure is written after its noun (污水管网80公里) or, after a bare verb, before it (新建80公里污水管网)
_UNITS_OF_MEASURE = frozenset({"平方公里", "平方米", "立方米", "公里", "千米", "公顷", "亩", "吨", "千瓦"})
_BARE_ACTION = re.compile(r"(?:建设|完成|建成|改造|铺设|修建|新改建|改扩建|打造|实施|治理|整治)?")


def _value(number: str, multiplier: str | None) -> float:
    return float(Decimal(number) * _MULTIPLIERS[multiplier])


def _measure_before(text: str, clause_start: int, qualifier_start: int) -> tuple[str, str]:
    """Return the noun phrase before a number and a qualifier that opens it.

    新增养老床位4385张 → (养老床位, 新增); 养老护理员持证率达到85% → (养老护理员持证率, "").
    """
    phrase = _TRAILING.sub("", text[clause_start:qualifier_start].strip())
    phrase = _SINCE.sub("", phrase)
    phrase = re.sub(r"(?:比上年|较上年|同比|比去年|较去年)$", "", phrase)
    quoted = re.fullmatch(r"[“\"]([^“”\"]+)[”\"][\u4e00-\u9fff]{0,4}", phrase)  # “养老院+互联网医院”累计推广至
    if quoted:
        return quoted.group(1), ""
    verbs = list(_VERB_IN_MEASURE.finditer(phrase))
    if verbs and verbs[-1].end() < len(phrase) and not _RATE.search(phrase) and phrase[verbs[-1].end() :] not in _GENERIC:
        phrase = phrase[verbs[-1].end() :]
    phrase = _SCOPE.sub("", phrase)
    leading = _LEADING_QUALIFIER.match(phrase)
    if leading and len(phrase) > leading.end() + 1:
        return _clean(phrase[leading.end() :]), leading.group()
    inner = _INNER_QUALIFIER.match(phrase)
    if inner:
        return _clean(inner["head"] + inner["tail"]), inner["word"]
    return _clean(phrase), ""


def _measure_after(text: str, position: int, end: int) -> str:
    """Return the counted thing after a number and its unit: 培训3000名中级以上技能等级养老护理员."""
    position += len(re.match(r"(?:及以上|及以下|以上|以下|左右)?", text[position:end]).group())
    after = _MEASURE_AFTER.match(text, position, end)
    if not after:
        return ""
    phrase = after["measure"]
    stop = after.end()
    if _PREPOSITION.match(phrase) or (stop < end and text[stop].isdigit()):
        # 1所以农村特困…为主的县级特困人员敬老院, 1处建筑面积不小于3000平方米的社区养老机构: the head follows 的
        head = re.search(r"的(?P<head>[\u4e00-\u9fff“”\"]{2,16}?)(?=[，,。；;、（(]|$)", text[position : min(end, position + 80)])
        if head:
            return _clean(head["head"])
    if "的" in phrase:  # 10家以上专业从事…服务的示范型社会组织: the head follows the last 的
        head, tail = phrase.rsplit("的", 1)
        phrase = head if _ABSTRACT_HEAD.match(tail) else tail
    predicate = _PREDICATE.search(phrase)
    if predicate and predicate.start() > 0:
        phrase = phrase[: predicate.start()]
    return _clean(phrase)


def _clean(phrase: str) -> str:
    return _NOMINAL_VERB.sub("", phrase.strip("“”\"的 ")).strip("“”\" ") if len(phrase) > 3 else phrase.strip("“”\"的 ")


def extract(sentence: Sentence, text: str, kind: str, year: int | None) -> Iterator[Indicator]:
    """Yield the indicators of a sentence; ``kind`` and ``year`` come from the part it stands in."""
    start, end = sentence.span.start, sentence.span.end
    if _FORMULA.search(text, start, end):
        return
    deadline = _TARGET_YEAR.search(text, start, end)
    sentence_kind = "target" if deadline and kind != "actual" else kind
    sentence_year = int(deadline["year"]) if deadline and kind != "actual" else year
    period = _PERIOD_WORD.search(text, start, end)
    if period and not deadline and kind != "actual":
        sentence_year = _PLAN_PERIOD[period.group(1)]
    if sentence_kind == "target" and _DONE.search(text, start, end) and not deadline:
        sentence_kind = "actual"  # 现有62项便民服务: what exists is a result, even in a plan
    previous: tuple[int, str] | None = None  # (end, measure) of the last indicator, for 从X调整为Y
    governing = ""  # the verb of an enumeration: 新增30家A、30个B — both 新增
    for match in _NUMBER.finditer(text, start, end):
        if text[max(start, match.start() - 1) : match.start()] == "第":
            continue
        clause_start = start
        for punct in _CLAUSE.finditer(text, start, match.start()):
            clause_start = punct.end()
        if previous is not None and previous[0] > clause_start:
            clause_start = previous[0]
        before = text[clause_start : match.start()]
        qualifier_match = _QUALIFIER_BEFORE.search(before)
        qualifier = qualifier_match.group().strip() if qualifier_match else ""
        if _FROM.search(before):
            qualifier = "从"
        ranged = previous is not None and previous[0] == clause_start and _RANGE.fullmatch(before) is not None
        if ranged:
            qualifier = "至"
        tail = _AFTER_QUALIFIER.match(text, match.end(), end)
        if tail:
            qualifier = f"{qualifier} {tail['tail']}".strip()
        if match["approx"]:
            qualifier = f"{qualifier} {match['approx']}".strip()
        qualifier_start = clause_start + (qualifier_match.start() if qualifier_match else len(before))
        measure = ""
        before_text = text[clause_start : match.start()].strip(" “”")
        if not match["unit"]:  # 50万老年人
            measure = re.match(r"[\u4e00-\u9fff]{1,5}人", text[match.end() :]).group()
        if _COVERAGE.search(before_text):  # 覆盖90%以上的街镇: what is covered is counted
            covered = _OF_TAIL.match(text, match.end(), end)
            if covered:
                measure = covered["what"]
        grant = _GRANT.match(text, match.end(), end) if match["unit"] == "元" else None
        if not measure and grant:  # 按每张床位1万元给予建设补助, 最高450万元奖励
            measure = grant["what"]
        if not measure and match["unit"] in _CLASSIFIERS_BEFORE_NOUN and not before_text.endswith(tuple("率比")):
            measure = _measure_after(text, match.end(), end)
        if not measure:
            measure, opening = _measure_before(text, clause_start, qualifier_start)
            if opening and opening not in qualifier:
                qualifier = f"{opening} {qualifier}".strip()
            if match["unit"] in _UNITS_OF_MEASURE and _BARE_ACTION.fullmatch(measure):
                measure = _measure_after(text, match.end(), end) or measure
        listed = previous is not None and "、" in text[previous[0] : match.start()] and not re.search(r"[，,；;。：:]", text[previous[0] : match.start()])
        if listed and not qualifier and governing:
            qualifier = governing
        governing = qualifier.split(" ")[0] if qualifier and qualifier.split(" ")[0] in _QUALIFIERS and not listed else governing if listed else ""
        if ranged or (not measure and previous is not None):
            measure = previous[1]  # 从1510元调整为1595元，增加85元; 60%—70%: the same measure goes on
        elif previous is not None and _BARE_RATE.match(measure) and _RATE.search(previous[1]):
            subject = _RATE.sub("", previous[1])  # 社会组织参检率为93.73%，合格率为91.05%
            subject = re.sub(r"[\u4e00-\u9fff]{1,2}$", "", subject) if subject.endswith(("参检", "参保", "覆盖")) else subject
            measure = subject + measure
        previous = (match.end(), measure)
        unit = {"％": "%", "": "人"}.get(match["unit"], match["unit"])
        yield Indicator(
            Span(sentence.span.doc_id, match.start(), match.end()),
            measure,
            _value(match["number"], match["mult"]),
            unit,
            qualifier,
            sentence_kind,
            sentence_year,
            RULE,
        )
