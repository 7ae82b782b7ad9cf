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


NOTICE_WITH_ANNEXES = """某部 某局关于做好2025年某项补助资金管理工作的通知
某财〔2025〕15号
各省、自治区、直辖市有关部门：
一、加强资金管理
各地要严格执行有关规定。
附件：{listing}
某部　某局
2025年3月1日
{first_head}
2025年某项补助资金分配表
甲省，1000万元。
附件2
某项补助资金绩效目标表
保障对象覆盖率达到100%。
"""


@pytest.mark.parametrize(
    ("listing", "first_head"),
    [
        ("1.2025年某项补助资金分配表\n      2.某项补助资金绩效目标表", "附件1"),
        ("\n1.2025年某项补助资金分配表\n2.某项补助资金绩效目标表", "附件1"),
        ("\n1．2025年某项补助资金分配表\n2．某项补助资金绩效目标表", "附件1："),
    ],
)
def test_annexes_are_split_off_whatever_the_listing_looks_like(listing, first_head):
    text = NOTICE_WITH_ANNEXES.format(listing=listing, first_head=first_head)
    parts, sections, sentences = segment.segment("t", text, "某部 某局")
    assert [(p.role, p.title) for p in parts] == [
        ("notice", "某部 某局关于做好2025年某项补助资金管理工作的通知"),
        ("annex", "2025年某项补助资金分配表"), ("annex", "某项补助资金绩效目标表"),
    ]
    assert [(s.part, s.path, s.title) for s in sections] == [(0, (1,), "加强资金管理")]
    assert [s.text for s in sentences if s.part == 0 and not s.is_heading] == ["各省、自治区、直辖市有关部门：", "各地要严格执行有关规定。"]
    assert [s.text for s in sentences if s.part == 1] == ["2025年某项补助资金分配表", "甲省，1000万元。"]


def test_a_single_annex_named_on_the_listing_line():
    text = "某局关于印发某办法的通知\n各单位：\n现印发给你们。\n附件：某某管理办法\n某局\n2025年1月2日\n附件\n某某管理办法\n第一条　为了规范管理，制定本办法。\n"
    parts = segment.split_parts("t", text)
    assert [(p.role, p.title) for p in parts] == [("notice", "某局关于印发某办法的通知"), ("annex", "某某管理办法")]


def test_a_transmitted_title_may_wrap_its_period_onto_the_next_line():
    text = "某市人民政府办公厅关于印发《某市设施布局专项规划（2024—2035年）》的通知\n各区：\n现将《某市设施布局专项规划（2024—2035年）》印发给你们。\n某市人民政府办公厅\n2024年3月5日\n某市设施布局专项规划\n（2024—2035年）\n第一章　总则\n第一条　为落实有关规定，制定本规划。\n第二条　本规划自印发之日起施行。\n第二章　规划目标\n第三条　到2035年，养老床位达到20万张。\n"
    parts, sections, sentences = segment.segment("t", text, "某市人民政府办公厅")
    assert [(p.role, p.kind, p.title) for p in parts][1] == ("transmitted", "规划", "某市设施布局专项规划（2024—2035年）")
    assert [(s.path, s.marker, s.title) for s in sections] == [
        ((1,), "第一章", "总则"), ((1, 1), "第一条", ""), ((1, 2), "第二条", ""), ((2,), "第二章", "规划目标"), ((2, 1), "第三条", ""),
    ]
    assert [s.text for s in sentences if s.section == (1, 2)] == ["本规划自印发之日起施行。"]


def test_a_joint_notice_names_every_issuer(gazetteer):
    from policykg.graph_builder import pipeline, reader

    text = "民政部 国务院关于某事的通知\n某发〔2025〕1号\n各省：\n一、加强领导\n做好工作。\n"
    source = reader.Source("joint.txt", text, "utf-8", "text", "0" * 64)
    extraction = pipeline.extract(source, gazetteer)
    assert extraction.meta.issuer == "民政部 国务院"
    assert extraction.issuers == ("中华人民共和国民政部", "中华人民共和国国务院")


@pytest.mark.parametrize(
    ("written", "issuers", "jurisdiction"),
    [
        ("南京市人力资源和社会保障局", ("南京市人力资源和社会保障局",), "南京市"),  # 和 inside one body's name
        ("西安市住房和城乡建设局", ("西安市住房和城乡建设局",), "西安市"),
        ("呼和浩特市卫生健康委员会", ("呼和浩特市卫生健康委员会",), "呼和浩特市"),  # 和 inside a place name
        ("天津市和平区人民政府", ("天津市和平区人民政府",), "天津市和平区"),
        ("财政部政府和社会资本合作中心", ("财政部政府和社会资本合作中心",), ""),
        ("中央和国家机关工作委员会", ("中央和国家机关工作委员会",), ""),
        ("民政部和财政部", ("中华人民共和国民政部", "中华人民共和国财政部"), ""),  # 和 between two bodies
        ("市民政局和市财政局", ("市民政局", "市财政局"), ""),
        ("农业农村部和中国科协", ("中华人民共和国农业农村部", "中国科协"), ""),
        # 和 between bodies whose own names hold a 和
        ("工业和信息化部和财政部", ("中华人民共和国工业和信息化部", "中华人民共和国财政部"), ""),
        ("财政部和住房和城乡建设部", ("中华人民共和国财政部", "中华人民共和国住房和城乡建设部"), ""),
        ("文化和旅游部和国家文物局", ("中华人民共和国文化和旅游部", "国家文物局"), ""),
        ("中华人民共和国民政部和中华人民共和国财政部", ("中华人民共和国民政部", "中华人民共和国财政部"), ""),
        ("省财政厅和省人力资源和社会保障厅", ("省财政厅", "省人力资源和社会保障厅"), ""),
        # three bodies
        ("市民政局和市财政局和市人社局", ("市民政局", "市财政局", "市人社局"), ""),
        ("四川省民政厅和四川省财政厅和四川省人力资源和社会保障厅", ("四川省民政厅", "四川省财政厅", "四川省人力资源和社会保障厅"), "四川省"),
    ],
)
def test_and_joins_two_issuers_only_between_bodies(gazetteer, written, issuers, jurisdiction):
    from policykg.graph_builder import pipeline, reader

    text = f"{written}关于某事的通知\n某发〔2025〕1号\n各单位：\n一、加强领导\n做好工作。\n"
    extraction = pipeline.extract(reader.Source("joint.txt", text, "utf-8", "text", "0" * 64), gazetteer)
    assert (extraction.issuers, extraction.jurisdiction) == (issuers, jurisdiction)
