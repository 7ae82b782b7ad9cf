"""Programs and indicators: accuracy against the seed's golden files, and exact cases of the genre."""

from __future__ import annotations

import pytest

from policykg.graph_builder.extractors import indicators, programs
from policykg.graph_builder.records import Sentence, Span

from support import golden


def _sentence(text: str) -> Sentence:
    return Sentence(Span("t", 0, len(text)), 0, (), 0, text)


def test_program_precision_and_recall_on_the_seed(seed):
    expected = {(r["start"], r["name"]) for r in golden("seed.programs.jsonl")}
    actual = {(p.span.start, p.name) for _, p in seed.found["programs"]}
    hits = len(expected & actual)
    assert hits / len(actual) >= 0.9, sorted(actual - expected)
    assert hits / len(expected) >= 0.8, sorted(expected - actual)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("继续开展“桥计划”综合服务项目。", ["桥计划"]),
        ("实施“阳光慈善”工程。", ["阳光慈善"]),
        ("落实“智慧好办”“一件事”等各项改革任务。", ["智慧好办", "一件事"]),
        ("全面完成“十四五”目标任务。", []),
        ("增强“四个意识”。", []),
        ("坚决打击“黑中介”。", []),
    ],
)
def test_quoted_names_that_are_programs(text, expected):
    assert [p.name for p in programs.extract(_sentence(text), text)] == expected


def test_indicator_spans_and_values_on_the_seed(seed):
    expected = {(r["start"], r["end"]): r for r in golden("seed.indicators.jsonl")}
    actual = {(i.span.start, i.span.end): i for _, i in seed.found["indicators"]}
    hits = set(expected) & set(actual)
    assert len(hits) / len(actual) >= 0.97 and len(hits) / len(expected) >= 0.97
    agree = [key for key in hits if (actual[key].value, actual[key].unit, actual[key].kind, actual[key].year)
             == (expected[key]["value"], expected[key]["unit"], expected[key]["kind"], expected[key]["year"])]
    assert len(agree) / len(hits) >= 0.97
    close = [key for key in hits if expected[key]["measure"] in actual[key].measure or (actual[key].measure and actual[key].measure in expected[key]["measure"])]
    assert len(close) / len(hits) >= 0.7


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("新增30家社区综合为老服务中心、30个社区长者食堂。", "target",
         [("社区综合为老服务中心", 30, "家", "新增"), ("社区长者食堂", 30, "个", "新增")]),
        ("全市养老护理员持证率达到85%。", "target", [("养老护理员持证率", 85, "%", "达到")]),
        ("全年新增养老床位4385张。", "actual", [("养老床位", 4385, "张", "新增")]),
        ("支出资金7.62亿元。", "actual", [("支出资金", 762000000, "元", "")]),
        ("全年完成养老护理员培训约1.8万名。", "actual", [("养老护理员培训", 18000, "名", "约")]),
        ("举办第七届大赛，2025年1月22日发布，第21年开展。", "actual", []),
    ],
)
def test_indicators_of_the_genre(text, kind, expected):
    found = [(i.measure, i.value, i.unit, i.qualifier) for i in indicators.extract(_sentence(text), text, kind, 2025)]
    assert found == expected


def test_a_deadline_makes_a_target_of_its_year():
    text = "到2027年，社区日间照料机构覆盖率达到95%以上。"
    (indicator,) = indicators.extract(_sentence(text), text, "", 2022)
    assert (indicator.kind, indicator.year, indicator.value, indicator.qualifier) == ("target", 2027, 95, "达到 以上")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("推进普惠养老城企联动专项行动。", ["普惠养老城企联动专项行动"]),
        ("继续实施敬老院改造提升工程和养老机构消防安全达标工程。", ["敬老院改造提升工程", "养老机构消防安全达标工程"]),
        ("开展专项行动。", []),
        ("推动“一网通办”“跨省通办”。", ["一网通办", "跨省通办"]),
        ("完善“前台综合受理、后台分类办理、统一窗口出件”模式。", []),
    ],
)
def test_unquoted_names_and_reform_brands(text, expected):
    assert [p.name for p in programs.extract(_sentence(text), text)] == expected


WORK_REPORT = """政府工作报告
——2025年1月13日在某省第十四届人民代表大会第三次会议上
某省人民政府
一、2024年工作回顾
过去一年，全省地区生产总值达到8.2万亿元，增长5.5%；单位地区生产总值能耗下降3.1%。
新增养老床位１２０００张。
二、2025年主要目标任务
今年的主要预期目标是：地区生产总值增长5%左右；城镇调查失业率5.5%左右。
力争社区食堂覆盖率达到60%—70%。
"""


def test_a_work_report_reviews_last_year_and_sets_this_years_targets(gazetteer):
    from policykg.graph_builder import pipeline, reader

    extraction = pipeline.extract(reader.Source("report.txt", WORK_REPORT, "utf-8", "text", "0" * 64), gazetteer)
    assert (extraction.meta.issuer, extraction.meta.date_issued) == ("某省人民政府", "2025-01-13")
    found = [(i.measure, i.value, i.unit, i.qualifier, i.kind, i.year) for _, i in extraction.found["indicators"]]
    assert found == [
        ("地区生产总值", 8.2e12, "元", "达到", "actual", 2024),
        ("地区生产总值", 5.5, "%", "增长", "actual", 2024),
        ("单位地区生产总值能耗", 3.1, "%", "下降", "actual", 2024),
        ("养老床位", 12000, "张", "新增", "actual", 2024),
        ("地区生产总值", 5, "%", "增长 左右", "target", 2025),
        ("城镇调查失业率", 5.5, "%", "左右", "target", 2025),
        ("社区食堂覆盖率", 60, "%", "达到", "target", 2025),
        ("社区食堂覆盖率", 70, "%", "至", "target", 2025),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("城乡低保标准由每人每月1420元调整为1470元。", [("城乡低保标准", 1420, "元", "从"), ("城乡低保标准", 1470, "元", "调整为")]),
        ("最低生活保障标准从1245元调整为1312元。", [("最低生活保障标准", 1245, "元", "从"), ("最低生活保障标准", 1312, "元", "调整为")]),
        ("研发投入强度较上年提高0.3个百分点。", [("研发投入强度", 0.3, "个百分点", "较上年提高")]),
        ("地区生产总值突破14万亿元，比上年增长3.5%。", [("地区生产总值", 1.4e13, "元", "突破"), ("地区生产总值", 3.5, "%", "比上年增长")]),
        ("城镇调查失业率控制在5.5%以内。", [("城镇调查失业率", 5.5, "%", "控制在 以内")]),
        ("全市建成长者饭堂2400个。", [("长者饭堂", 2400, "个", "建成")]),
        # a unit of measure after a bare verb counts what follows it; Latin letters belong to a name
        ("新建80公里污水管网，铺设30公里供热管网。", [("污水管网", 80, "公里", "新建"), ("供热管网", 30, "公里", "")]),
        ("新增湿地面积120平方公里，建成50家A级旅游景区。", [("湿地面积", 120, "平方公里", "新增"), ("A级旅游景区", 50, "家", "建成")]),
    ],
)
def test_the_grammar_of_reported_numbers(text, expected):
    assert [(i.measure, i.value, i.unit, i.qualifier) for i in indicators.extract(_sentence(text), text, "actual", 2024)] == expected


def test_a_five_year_period_sets_the_year_of_its_targets():
    text = "“十四五”期间完成200万户老旧小区改造。"
    (indicator,) = indicators.extract(_sentence(text), text, "target", 2023)
    assert (indicator.kind, indicator.year) == ("target", 2025)


def test_a_summarys_outlook_section_sets_targets(gazetteer):
    from policykg.graph_builder import pipeline, reader

    text = "某市民政局2024年工作总结\n一、主要工作\n全年新增养老床位1000张。\n二、2025年工作思路\n力争新增养老床位2000张。\n"
    extraction = pipeline.extract(reader.Source("s.txt", text, "utf-8", "text", "0" * 64), gazetteer)
    assert [(i.kind, i.year, i.value) for _, i in extraction.found["indicators"]] == [("actual", 2024, 1000), ("target", 2025, 2000)]
