"""Header metadata, parts, sections and sentences of the example documents."""

from __future__ import annotations

import pytest

from policykg.graph_builder import metadata, segment
from policykg.graph_builder.records import DocumentMeta


def test_the_seed_header(seed):
    assert seed.meta == DocumentMeta(
        title="上海市民政局关于印发《2025年上海民政工作要点》和《上海民政2024年工作总结》的通知",
        issuer="上海市民政局", doc_number="沪民办发〔2025〕2号", index_number="0024204128/2025-00014",
        publicity="主动公开", date_issued="2025-01-22", date_published="2025-01-27",
    )


def test_the_chengdu_and_baotou_headers(extractions):
    chengdu, baotou = extractions["chengdu"].meta, extractions["baotou"].meta
    assert (chengdu.issuer, chengdu.doc_number, chengdu.date_issued, chengdu.date_effective) == ("成都市人民政府办公厅", "成办发〔2022〕28号", "2022-05-19", "2022-05-19")
    assert (baotou.issuer, baotou.doc_number, baotou.date_issued) == ("包头市人民政府办公室", "包府办发〔2022〕43号", "2022-04-14")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("shanghai", [("notice", "通知", "上海市民政局关于印发《2025年上海民政工作要点》和《上海民政2024年工作总结》的通知"),
                      ("transmitted", "工作要点", "2025年上海民政工作要点"), ("transmitted", "工作总结", "上海民政2024年工作总结")]),
        ("chengdu", [("notice", "通知", "成都市人民政府办公厅印发关于加快推进养老服务发展若干措施的通知"),
                     ("transmitted", "措施", "关于加快推进养老服务发展若干措施")]),
        ("baotou", [("notice", "通知", "包头市人民政府办公室关于印发《包头市2022年数字政府建设考评办法》的通知"),
                    ("transmitted", "办法", "包头市2022年数字政府建设考评办法"), ("annex", "附件", "包头市数字政府建设考评指标")]),
    ],
)
def test_a_notice_carries_its_transmitted_documents_and_annexes(extractions, name, expected):
    assert [(part.role, part.kind, part.title) for part in extractions[name].parts] == expected


def test_the_seed_plan_has_eight_chapters_and_the_summary_nine(seed):
    chapters = [(s.part, s.marker) for s in seed.sections if s.level == 1]
    assert sum(part == 1 for part, _ in chapters) == 8 and sum(part == 2 for part, _ in chapters) == 9


def test_sections_nest_by_the_order_their_numbers_appear(seed):
    titles = {(s.part, s.path): s.title for s in seed.sections}
    assert titles[(1, (1,))] == "着力推进实施积极应对人口老龄化国家战略,提升养老服务和老龄工作水平"
    assert titles[(1, (1, 7))] == "做好老龄综合工作"
    assert titles[(2, (2, 1))] == "超额提前完成年度民心工程和为民办实事项目"  # 一是…。 leads its paragraph


def test_sentences_quote_their_text_and_stay_inside_their_section(seed, seed_text):
    sections = {(s.part, s.path): s for s in seed.sections}
    for sentence in seed.sentences:
        assert seed_text[sentence.span.start : sentence.span.end] == sentence.text and sentence.text.strip()
        if sentence.section:
            section = sections[(sentence.part, sentence.section)]
            assert section.span.start <= sentence.span.start and sentence.span.end <= section.span.end


def test_header_lines_and_the_signature_are_not_work_items(seed):
    notice = [s.text for s in seed.sentences if s.part == 0]
    assert notice == [
        "上海市民政局关于印发《2025年上海民政工作要点》和《上海民政2024年工作总结》的通知",
        "各区民政局,机关各处室,局属各单位:",
        "现将《2025年上海民政工作要点》和《上海民政2024年工作总结》印发给你们,请结合实际,推动各项工作落实,努力推进上海民政事业高质量发展。",
    ]


@pytest.mark.parametrize(
    ("title", "kind"),
    [("上海市推进养老科技创新发展行动方案(2024—2027年)", "行动方案"), ("社会组织评估规范", "规范"), ("慈善法", "法"),
     ("关于推进上海社会组织协商工作的意见(试行)", "意见"), ("养老机构合规经营指引(2024版)", "指引"), ("某某", "")],
)
def test_the_kind_comes_from_the_title_ending(title, kind):
    assert segment.kind_of(title) == kind


def test_an_unquoted_transmitted_title_is_found():
    text = "某市人民政府办公厅印发关于加快某某发展若干措施的通知\n各区县：\n《关于加快某某发展若干措施》已经市政府同意，现印发你们。\n关于加快某某发展若干措施\n一、总体要求\n（一）加强领导。\n"
    parts = segment.split_parts("t", text)
    assert [(p.role, p.title) for p in parts] == [("notice", "某市人民政府办公厅印发关于加快某某发展若干措施的通知"), ("transmitted", "关于加快某某发展若干措施")]
    assert metadata.read_meta(text).issuer == "某市人民政府办公厅"
