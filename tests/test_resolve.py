"""Title resolution: titles that very likely name one document are linked with a score, never merged."""

from __future__ import annotations

import pytest

from policykg import results
from policykg.graph_builder import resolve

PLACES = ("上海市", "上海", "成都市", "成都")


@pytest.mark.parametrize(
    ("first", "second", "reasons"),
    [
        ("上海市养老护理员队伍建设行动方案", "上海市推进养老护理员队伍建设行动方案", ("marker 推进",)),
        ("社会组织评估规范", "社会组织评估标准", ("标准/规范",)),
        ("关于推进某某工作的意见(试行)", "关于推进某某工作的意见", ("version mark",)),
        ("上海市长期护理保险办法", "长期护理保险办法", ("jurisdiction prefix",)),
        ("本市养老服务设施规划", "上海市养老服务设施规划", ("jurisdiction prefix", "本市/本省")),
    ],
)
def test_titles_that_differ_by_a_known_variation_are_candidates(first, second, reasons):
    (match,) = resolve.matches({"a": {first}, "b": {second}}, PLACES)
    assert (match.first, match.second, match.reasons) == ("a", "b", reasons) and 0.5 <= match.score <= 0.95


@pytest.mark.parametrize(
    ("first", "second"),
    [("社会救助家庭经济状况认定办法", "社会救助家庭经济状况认定标准"), ("养老服务条例", "殡葬管理条例"), ("法", "上海市法")],
)
def test_different_documents_are_not_linked(first, second):
    assert resolve.matches({"a": {first}, "b": {second}}, PLACES) == []


def test_the_same_title_cited_in_two_jurisdictions_is_a_weaker_candidate():
    (match,) = resolve.matches({"shanghai": {"关于加强孤儿保障工作的意见"}, "chengdu": {"关于加强孤儿保障工作的意见"}}, PLACES)
    assert match.reasons == ("same title in another jurisdiction",) and match.score == 0.65


def test_the_seed_links_its_three_variant_titles(seed_store):
    rows = results.run(seed_store, """PREFIX pkg: <https://w3id.org/policykg/ontology#>
        SELECT ?a ?b ?score WHERE { ?m a pkg:TitleMatch ; pkg:matchScore ?score ; pkg:matchedDocument ?x, ?y .
        ?x pkg:title ?a . ?y pkg:title ?b . FILTER(?a < ?b) } ORDER BY ?a""").rows
    assert {(row["a"], row["b"]) for row in rows} == {
        ("关于推进上海社会组织协商工作的意见", "关于推进上海社会组织协商工作的意见(试行)"),
        ("孤独症儿童康复服务机构设置和服务标准", "孤独症儿童康复服务机构设置和服务规范"),
        ("上海市推进养老护理员队伍建设行动方案(2024—2027年)", "本市养老护理员队伍建设行动方案(2024—2027年)"),
    }
