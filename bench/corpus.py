"""Synthetic documents of the genre, with the ground truth of what each one says.

A generated document is a notice by a city bureau transmitting that year's plan (工作要点)
and last year's summary (工作总结): the 文号 header, the addressees and the transmitting
sentence, then numbered sections (一、 / （一） / 一是) of work items. Work items cite 《》 titles
drawn from one shared pool with a Zipf skew (a few national laws are cited everywhere, most
titles by a handful of documents), name “” programs from a second skewed pool, name agencies,
and state targets (plan) or results (summary) as number + unit + measure: measures of the
bureau's own field, each at most once in a plan or a summary.

``generate(folder, count, seed)`` writes ``count`` files and returns the :class:`Truth`: every
planted citation title, program and indicator with how often it was written, so a benchmark
can check that extraction at scale finds what was planted. Same seed, same corpus.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

CITIES = ("杭州", "南京", "武汉", "西安", "长沙", "郑州", "济南", "合肥", "福州", "南昌", "昆明", "贵阳", "南宁", "太原", "石家庄",
          "沈阳", "长春", "哈尔滨", "兰州", "西宁", "银川", "乌鲁木齐", "呼和浩特", "海口", "厦门", "宁波", "青岛", "大连", "苏州", "无锡")
BUREAUS = (("民政局", "民政"), ("人力资源和社会保障局", "人力社保"), ("教育局", "教育"), ("生态环境局", "生态环境"),
           ("卫生健康委员会", "卫生健康"), ("住房和城乡建设局", "住房城乡建设"), ("商务局", "商务"), ("文化广电旅游局", "文化旅游"))
PARTNERS = ("市财政局", "市发展改革委", "市教育局", "市卫生健康委", "市人力资源社会保障局", "市住房城乡建设局", "市市场监管局", "市公安局")
NUMERALS = "一二三四五六七八九十"

SUBJECTS = ("养老服务", "社会救助", "儿童福利", "殡葬管理", "社区治理", "慈善事业", "就业创业", "职业技能培训", "生态保护", "城市更新",
            "公共卫生", "家庭医生签约", "学前教育", "消费促进", "文化惠民", "住房保障", "残疾人服务", "志愿服务", "社会组织管理", "婚姻登记")
LAW_KINDS = ("条例", "管理办法", "实施办法", "实施细则", "规定")
PLAN_KINDS = ("三年行动计划（2024—2026年）", "“十四五”规划", "高质量发展实施方案", "工作方案")
# Verb phrase → relation it plants (the vocabulary the citation extractor reads).
CITING = (("贯彻落实", "implements"), ("修订", "amends"), ("研究起草", "drafts"), ("制定出台", "issues"), ("根据", "basedOn"))
PROGRAM_HEADS = ("幸福", "阳光", "暖心", "安居", "乐业", "银龄", "助残", "邻里", "智慧", "绿色", "书香", "健康")
PROGRAM_TAILS = ("家园", "驿站", "课堂", "食堂", "管家", "伙伴", "通办", "码上办", "护航", "同行", "工程", "行动")
# What each field's plans count, as (unit, measure, what it takes: building or training). A bureau
# states targets and results for its own field only, each measure at most once in a plan or summary,
# so within one city a target meets the result of one bureau's summary, as in the genre (the
# 政府工作报告 repeats a few of them).
MEASURES = {
    "民政": (("家", "社区长者食堂", "build"), ("名", "养老护理员", "train"), ("张", "家庭照护床位", "build"),
             ("名", "社会工作者", "train"), ("个", "社区嵌入式服务设施", "build"), ("个", "儿童友好社区", "build"),
             ("个", "养老服务综合体", "build"), ("个", "区域性养老服务中心", "build"), ("个", "老年助餐点", "build"), ("名", "社区志愿者", "train")),
    "人力社保": (("名", "技能人才", "train"), ("个", "零工市场", "build"), ("个", "就业驿站", "build"),
             ("名", "创业导师", "train"), ("个", "技能大师工作室", "build"), ("个", "公共实训基地", "build"),
             ("名", "高技能人才", "train"), ("名", "家政服务员", "train"), ("个", "见习岗位", "build"), ("个", "人力资源服务产业园", "build")),
    "教育": (("所", "普惠性幼儿园", "build"), ("个", "中小学学位", "build"), ("名", "乡村教师", "train"),
             ("所", "中小学校", "build"), ("个", "托育班", "build"), ("名", "心理健康教师", "train"),
             ("间", "智慧教室", "build"), ("个", "学生食堂", "build"), ("个", "校外实践基地", "build"), ("名", "骨干教师", "train")),
    "生态环境": (("座", "污水处理厂", "build"), ("公里", "污水管网", "build"), ("个", "空气质量自动监测站", "build"),
             ("名", "环境执法人员", "train"), ("个", "无废细胞", "build"), ("个", "生态环境监测站点", "build"),
             ("公里", "生态缓冲带", "build"), ("个", "美丽河湖", "build"), ("个", "生态文明教育基地", "build"), ("名", "环保志愿者", "train")),
    "卫生健康": (("家", "示范性婴幼儿托育机构", "build"), ("个", "社区卫生服务中心", "build"), ("名", "家庭医生", "train"),
             ("个", "普惠托位", "build"), ("名", "全科医生", "train"), ("个", "医疗联合体", "build"),
             ("个", "中医馆", "build"), ("个", "急救站点", "build"), ("名", "乡村医生", "train"), ("个", "社区医院", "build")),
    "住房城乡建设": (("套", "保障性租赁住房", "build"), ("个", "城中村改造项目", "build"), ("公里", "城市道路", "build"),
             ("个", "口袋公园", "build"), ("部", "既有住宅加装电梯", "build"), ("名", "建筑工匠", "train"),
             ("个", "城市更新单元", "build"), ("公里", "燃气管道", "build"), ("个", "完整社区", "build"), ("名", "物业管理人员", "train")),
    "商务": (("个", "一刻钟便民生活圈", "build"), ("家", "品牌连锁便利店", "build"), ("个", "夜间消费集聚区", "build"),
             ("名", "电商人才", "train"), ("个", "县域商业中心", "build"), ("个", "农贸市场", "build"),
             ("个", "商业步行街", "build"), ("家", "老字号门店", "build"), ("个", "跨境电商产业园", "build"), ("名", "外贸业务人员", "train")),
    "文化旅游": (("个", "城市书房", "build"), ("家", "A级旅游景区", "build"), ("个", "非遗工坊", "build"),
             ("名", "文化志愿者", "train"), ("个", "乡村文化广场", "build"), ("个", "旅游厕所", "build"),
             ("个", "文化馆分馆", "build"), ("个", "智慧旅游景区", "build"), ("家", "等级民宿", "build"), ("名", "导游", "train")),
}
PLAN_VERBS = {"build": ("新增", "新建", "建设"), "train": ("培训", "培养")}
RESULT_VERBS = {"build": ("建成", "完成", "新增"), "train": ("培训", "培养")}


@dataclass
class Truth:
    """What the generator planted, counted: titles cited, programs named, indicators stated."""

    documents: int = 0
    bytes: int = 0
    citations: Counter = field(default_factory=Counter)    # 《title》 → occurrences in work items
    relations: Counter = field(default_factory=Counter)    # (title, relation) → occurrences
    programs: Counter = field(default_factory=Counter)     # program → occurrences
    indicators: Counter = field(default_factory=Counter)   # (kind, measure, value, unit) → occurrences


def _pool(rng: random.Random) -> list[str]:
    """Titles of regulations and plans, most-cited first: national laws, then local rules and plans."""
    titles = ["中华人民共和国老年人权益保障法", "中华人民共和国慈善法", "中华人民共和国社会保险法", "中华人民共和国就业促进法",
              "中华人民共和国环境保护法", "社会救助暂行办法", "中华人民共和国未成年人保护法", "殡葬管理条例"]
    for city in CITIES:
        for subject in rng.sample(SUBJECTS, 6):
            titles.append(f"{city}市{subject}{rng.choice(LAW_KINDS)}")
            titles.append(f"{city}市{subject}{rng.choice(PLAN_KINDS)}")
    titles += [f"关于加快推进{subject}高质量发展的意见" for subject in SUBJECTS]
    return list(dict.fromkeys(titles))


def _programs(rng: random.Random) -> list[str]:
    names = [head + tail for head in PROGRAM_HEADS for tail in PROGRAM_TAILS]
    rng.shuffle(names)
    return names


def _zipf(rng: random.Random, items: list[str], exponent: float = 1.1) -> str:
    weights = [1 / (rank + 1) ** exponent for rank in range(len(items))]
    return rng.choices(items, weights)[0]


class _Writer:
    def __init__(self, rng: random.Random, titles: list[str], programs: list[str], truth: Truth):
        self.rng, self.titles, self.programs, self.truth = rng, titles, programs, truth

    def item(self, kind: str, cited: set[str], city: str, measures: list[tuple[str, str, str]]) -> str:
        """One work item: a citation, a program, an indicator (of a measure of ``measures`` not yet
        stated, which it takes), an agency — or a plain clause."""
        rng, clauses = self.rng, []
        if rng.random() < 0.6:
            title = _zipf(rng, self.titles)
            if title not in cited:      # one citation of a title per document keeps the truth unambiguous
                cited.add(title)
                # A body drafts, issues or amends only its own city's rules; others it implements or follows.
                verb, relation = rng.choice(CITING if title.startswith(city) else CITING[:1] + CITING[4:])
                tail = "的规定" if relation == "basedOn" else ""
                clauses.append(f"{verb}《{title}》{tail}")
                self.truth.citations[title] += 1
                self.truth.relations[title, relation] += 1
        if rng.random() < 0.5:
            program = _zipf(rng, self.programs)
            clauses.append(f"深化“{program}”品牌建设")
            self.truth.programs[program] += 1
        if rng.random() < 0.5 and measures:
            unit, measure, work = measures.pop(rng.randrange(len(measures)))
            value = rng.choice((5, 10, 12, 20, 30, 50, 80, 100, 150, 200, 300, 500, 1000, 2000))
            verb = rng.choice((PLAN_VERBS if kind == "target" else RESULT_VERBS)[work])
            clauses.append(f"{verb}{value}{unit}{measure}")
            self.truth.indicators[kind, measure, str(value), unit] += 1
        clauses.append(f"会同{rng.choice(PARTNERS)}{rng.choice(('健全', '完善', '优化', '规范'))}{rng.choice(SUBJECTS)}工作机制")
        return "，".join(clauses) + "。"

    def part(self, title: str, kind: str, year: int, cited: set[str], city: str, field_: str) -> list[str]:
        rng, measures = self.rng, list(MEASURES[field_])
        lines = [title, f"{year}年，全市系统坚持以人民为中心的发展思想，扎实推进各项工作{'任务' if kind == 'target' else '，取得明显成效'}。"]
        for section in range(rng.randint(3, 5)):
            lines.append(f"{NUMERALS[section]}、{rng.choice(('持续', '着力', '全面'))}推进{rng.choice(SUBJECTS)}高质量发展")
            for sub in range(rng.randint(2, 4)):
                if kind == "target":
                    lines.append(f"（{NUMERALS[sub]}）{rng.choice(('加强', '深化', '完善'))}{rng.choice(SUBJECTS)}")
                    lines.append("".join(self.item(kind, cited, city, measures) for _ in range(rng.randint(1, 3))))
                else:
                    lines.append(f"{NUMERALS[sub]}是{rng.choice(('切实', '不断', '扎实'))}做好{rng.choice(SUBJECTS)}工作。"
                                 + "".join(self.item(kind, cited, city, measures) for _ in range(rng.randint(1, 3))))
        return lines

    def document(self, number: int) -> str:
        rng = self.rng
        city = CITIES[number % len(CITIES)]
        bureau, field_ = BUREAUS[(number // len(CITIES)) % len(BUREAUS)]
        year = 2018 + (number // (len(CITIES) * len(BUREAUS))) % 8
        issuer = f"{city}市{bureau}"
        plan, summary = f"{year}年{city}{field_}工作要点", f"{city}{field_}{year - 1}年工作总结"
        cited: set[str] = set()
        lines = [f"{issuer}关于印发《{plan}》和《{summary}》的通知",
                 f"文件编号: | {city[0]}{field_[0]}发〔{year}〕{number + 1}号 | 发布机构: | {issuer} |",
                 "各区县有关部门，局属各单位：",
                 f"现将《{plan}》和《{summary}》印发给你们，请结合实际，认真贯彻落实。",
                 issuer, f"{year}年1月{number % 28 + 1}日"]
        lines += self.part(plan, "target", year, cited, city, field_)
        lines += self.part(summary, "actual", year - 1, cited, city, field_)
        return "\n".join(lines) + "\n"


def generate(folder: str | Path, count: int, seed: int = 7) -> Truth:
    """Write ``count`` documents into ``folder`` (as doc-00001.txt …) and return what they plant."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    truth = Truth()
    writer = _Writer(rng, _pool(rng), _programs(rng), truth)
    for number in range(count):
        text = writer.document(number)
        data = text.encode("utf-8")
        (folder / f"doc-{number:05d}.txt").write_bytes(data)
        truth.documents += 1
        truth.bytes += len(data)
    return truth
