"""Agencies: the seed against its golden file, resolution by jurisdiction, and roles."""

from __future__ import annotations

import pytest

from policykg.graph_builder.extractors import agencies
from policykg.graph_builder.gazetteer import Gazetteer, GazetteerError
from policykg.graph_builder.records import Sentence, Span

from support import golden


def test_seed_agency_mentions_equal_the_golden_file(seed):
    mentions = sorted({(m.span.start, m.span.end, m.quote, m.canonical) for _, m in seed.found["agencies"]})
    expected = [(r["start"], r["end"], r["quote"], r["canonical"]) for r in golden("seed.agencies.jsonl")]
    assert mentions == expected


def _mentions(text: str, gazetteer: Gazetteer, jurisdiction: str):
    sentence = Sentence(Span("t", 0, len(text)), 0, (), 0, text)
    return [(m.quote, m.canonical, m.role) for m in agencies.extract(sentence, text, gazetteer, jurisdiction)]


@pytest.mark.parametrize(
    ("jurisdiction", "expected"),
    [("上海市", "上海市民政局"), ("成都市", "成都市民政局"), ("上海市闵行区", "上海市民政局"), ("深圳市", None)],
)
def test_a_relative_short_form_means_the_body_of_the_issuers_jurisdiction(gazetteer, jurisdiction, expected):
    assert gazetteer.resolve("市民政局", jurisdiction) == expected


def test_the_jurisdiction_chain_climbs_to_the_province(gazetteer):
    assert gazetteer.chain("包头市") == ["包头市", "内蒙古自治区", ""]
    assert gazetteer.resolve("自治区政府", "包头市") == "内蒙古自治区人民政府"


def test_a_national_body_resolves_anywhere(gazetteer):
    assert gazetteer.resolve("民政部", "成都市") == "中华人民共和国民政部"


@pytest.mark.parametrize(
    ("text", "jurisdiction", "expected"),
    [
        ("会同市发改委、市财政局制定办法。", "上海市", [("市发改委", "上海市发展和改革委员会", "partner"), ("市财政局", "上海市财政局", "partner")]),
        ("由省民政厅牵头，省财政厅配合。", "成都市", [("省民政厅", "四川省民政厅", "lead"), ("省财政厅", "四川省财政厅", "partner")]),
        ("推动智慧城市大数据中心建设。", "包头市", []),
        ("按照中办发〔2024〕5号文件要求，深化主题教育部署。", "上海市", []),
        ("配合市发改委研究制定政策措施。", "上海市", [("市发改委", "上海市发展和改革委员会", "lead")]),
        ("［市民政局、市财政局按职责分工负责，各区（市）县政府（管委会）负责］", "成都市",
         [("市民政局", "成都市民政局", "lead"), ("市财政局", "成都市财政局", "partner"), ("各区（市）县政府（管委会）", "成都市各区（市）县政府（管委会）", "partner")]),
        ("（6月底完成，牵头考核单位：市政府办公室、市公安局）", "包头市",
         [("市政府办公室", "包头市人民政府办公室", "lead"), ("市公安局", "包头市公安局", "lead")]),
        ("指导各地民政部门做好工作。", "上海市", []),
        ("落实《上海市民政局关于某事的通知》。", "上海市", []),
    ],
)
def test_bodies_their_canonical_names_and_roles(gazetteer, text, jurisdiction, expected):
    assert _mentions(text, gazetteer, jurisdiction) == expected


def test_a_responsibility_list_assigns_its_lead_to_every_sentence_of_its_paragraph(extractions):
    chengdu = extractions["chengdu"]
    first_item = next(index for index, sentence in enumerate(chengdu.sentences) if sentence.text.startswith("完善社区养老服务综合体"))
    leads = {m.canonical for index, m in chengdu.found["agencies"] if index == first_item and m.role == "lead"}
    assert leads == {"成都市民政局"}


def test_a_gazetteer_with_a_bad_header_names_the_file(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("name\tforms\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"bad\.tsv: the first line must be the header"):
        Gazetteer.load(path)


def test_every_parent_in_the_gazetteer_is_itself_a_body(gazetteer):
    missing = {body.parent for body in gazetteer.bodies.values() if body.parent and body.parent not in gazetteer.bodies}
    assert missing == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("会同市科委研究制订并由市政府办公厅出台《某某行动方案》。", [("市科委", "partner"), ("市政府办公厅", "issuer")]),
        ("贯彻落实民政部等5部门联合印发的《关于某某的意见》。", [("民政部", "issuer")]),
        ("市民政局会同市财政局负责组织实施。", [("市民政局", "lead"), ("市财政局", "partner")]),
        ("市民政局负责，市财政局配合。", [("市民政局", "lead"), ("市财政局", "partner")]),
        ("指导闵行区政府推进产业园建设。", [("闵行区政府", "partner")]),
        ("会同徐汇区政府、浦东新区人民政府推进。", [("徐汇区政府", "partner"), ("浦东新区人民政府", "partner")]),
        ("责任单位：市民政局、市财政局", [("市民政局", "lead"), ("市财政局", "lead")]),
        ("贯彻落实市委、市政府决策部署。", [("市委", "mention"), ("市政府", "mention")]),
    ],
)
def test_roles_follow_the_grammar_of_the_genre(gazetteer, text, expected):
    assert [(quote, role) for quote, _, role in _mentions(text, gazetteer, "上海市")] == expected


def test_the_body_that_issues_a_cited_document_is_its_issuer(seed_store):
    from policykg import results

    rows = results.run(seed_store, """PREFIX pkg: <https://w3id.org/policykg/ontology#>
        SELECT DISTINCT ?title ?issuer WHERE { ?doc pkg:issuedBy ?agency ; pkg:title ?title . ?agency pkg:canonicalName ?issuer .
        FILTER(CONTAINS(?title, "银发经济") || CONTAINS(?title, "养老科技创新")) } ORDER BY ?title""").rows
    assert rows == [
        {"title": "上海市推动银发经济高质量发展若干政策措施", "issuer": "上海市人民政府办公厅"},
        {"title": "上海市推进养老科技创新发展行动方案(2024—2027年)", "issuer": "上海市人民政府办公厅"},
    ]
