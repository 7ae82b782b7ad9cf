"""Citations: the seed against its hand-written golden file, and the genre's verb grammar."""

from __future__ import annotations

import pytest

from policykg.graph_builder.extractors import citations
from policykg.graph_builder.records import Sentence, Span

from support import golden


def found(extraction):
    return [record for _, record in extraction.found["citations"]]


def test_seed_citations_equal_the_golden_file(seed, seed_text):
    expected = golden("seed.citations.jsonl")
    actual = [
        {"start": c.span.start, "end": c.span.end, "title": c.title, "relation": c.relation, "verb": c.verb, "secondary": c.secondary}
        for c in found(seed)
    ]
    assert actual == expected


def test_every_title_occurrence_is_one_citation(seed, seed_text):
    assert len(found(seed)) == seed_text.count("《") == 70


def test_spans_quote_the_title_exactly(seed, seed_text):
    for citation in found(seed):
        assert seed_text[citation.span.start : citation.span.end] == f"《{citation.title}》"


def _one(text: str, done: bool = False):
    sentence = Sentence(Span("t", 0, len(text)), 0, (), 0, text)
    return [(c.title, c.relation, c.verb, c.secondary) for c in citations.extract(sentence, text, done)]


@pytest.mark.parametrize(
    ("text", "done", "expected"),
    [
        ("修订《甲办法》《乙规定》等文件。", False, [("甲办法", "amends", "修订", ""), ("乙规定", "amends", "修订", "")]),
        ("研究制定《某某实施方案》。", False, [("某某实施方案", "drafts", "研究制定", "")]),
        ("制定《某某工作指引》。", False, [("某某工作指引", "drafts", "制定", "")]),
        ("制定《某某工作指引》。", True, [("某某工作指引", "issues", "制定", "")]),
        ("依据《某省安全生产条例》开展执法检查。", False, [("某省安全生产条例", "basedOn", "依据", "")]),
        ("认真贯彻落实《国家某某规划》和《某某纲要》。", False, [("国家某某规划", "implements", "贯彻落实", ""), ("某某纲要", "implements", "贯彻落实", "")]),
        ("现将《某区工作要点》印发给你们，请认真执行。", False, [("某区工作要点", "issues", "印发", "")]),
        ("《某县若干措施》已经县政府同意，现印发你们。", False, [("某县若干措施", "issues", "印发", "")]),
        ("加快推动《某某专项规划》编制。", False, [("某某专项规划", "drafts", "编制", "")]),
        ("完成《某某管理办法》起草工作。", False, [("某某管理办法", "drafts", "起草", "")]),
        ("修订出台《某某通知》。", True, [("某某通知", "amends", "修订", "issues")]),
        ("出台《某某行动方案》并积极推进落实。", False, [("某某行动方案", "issues", "出台", "implements")]),
        ("学习贯彻新修订的《某某法》。", False, [("某某法", "implements", "学习贯彻", "")]),
        ("建立健全《某某制度》相关配套措施。", False, [("某某制度", "mentions", "", "")]),
        ("观看电影《我和我的祖国》。", False, [("我和我的祖国", "mentions", "", "")]),
    ],
)
def test_the_governing_verb_gives_the_relation(text, done, expected):
    assert _one(text, done) == expected


def test_a_document_number_after_the_title_belongs_to_it():
    text = "按照《某市人民政府关于印发某方案的通知》（某府发〔2022〕10号）要求。"
    sentence = Sentence(Span("t", 0, len(text)), 0, (), 0, text)
    (citation,) = citations.extract(sentence, text, False)
    assert (citation.relation, citation.doc_number) == ("basedOn", "某府发〔2022〕10号")


def test_nested_titles_are_kept_inside_the_outer_one():
    text = "落实《关于〈某某条例〉的实施细则》。"
    sentence = Sentence(Span("t", 0, len(text)), 0, (), 0, text)
    assert [c.title for c in citations.extract(sentence, text, False)] == ["关于〈某某条例〉的实施细则"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("组织观看电影《长津湖》。", [("长津湖", "mentions", True, "")]),
        ("深入学习《习近平谈治国理政》第五卷。", [("习近平谈治国理政", "mentions", True, "")]),
        ("在《人民日报》刊发经验做法。", [("人民日报", "mentions", True, "")]),
        ("落实GB/T 35796—2017《养老机构服务质量基本规范》。", [("养老机构服务质量基本规范", "implements", False, "GB/T 35796—2017")]),
        ("原则上要符合《老年养护院建设标准》（建标144—2010）。", [("老年养护院建设标准", "implements", False, "建标144—2010")]),
        ("执行《某某服务规范》（DB31/T 1234-2020）。", [("某某服务规范", "implements", False, "DB31/T 1234-2020")]),
    ],
)
def test_creative_works_and_standard_codes(text, expected):
    sentence = Sentence(Span("t", 0, len(text)), 0, (), 0, text)
    assert [(c.title, c.relation, c.work, c.code) for c in citations.extract(sentence, text, False)] == expected


def test_a_creative_work_is_cited_but_is_no_regulation(tmp_path):
    from policykg import queries, results
    from policykg.build import build
    from policykg.store import KnowledgeStore

    document = tmp_path / "notice.txt"
    document.write_text("某市民政局关于开展学习活动的通知\n一、组织学习\n组织观看电影《长津湖》，落实《某市养老服务条例》。\n", encoding="utf-8")
    store = KnowledgeStore(tmp_path / "kg")
    build([document], store)
    cited = {row["regulation"]: row["relation"] for row in results.run(store, queries.load("citations")).rows}
    assert cited == {"长津湖": "mentions", "某市养老服务条例": "implements"}
    assert [row["regulation"] for row in results.run(store, queries.load("regulations")).rows] == ["某市养老服务条例"]
