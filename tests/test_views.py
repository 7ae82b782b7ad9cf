"""Each view of the network page, asserted on its networkx model for the seed."""

from __future__ import annotations

from collections import Counter

import pytest
from click.testing import CliRunner

from policykg.cli import main
from policykg.viz import analyze, views

from support import SEED, golden

PLAN, SUMMARY = "2025年上海民政工作要点", "上海民政2024年工作总结"
NOTICE = "上海市民政局关于印发《2025年上海民政工作要点》和《上海民政2024年工作总结》的通知"


def edges(graph, relation=None):
    return Counter((graph.nodes[a]["label"], graph.nodes[b]["label"], data["relation"]) for a, b, data in graph.edges(data=True)
                   if relation is None or data["relation"] == relation)


def weights(graph):
    return {(graph.nodes[a]["label"], graph.nodes[b]["label"], data["relation"]): data["weight"] for a, b, data in graph.edges(data=True)}


def test_the_citations_view_has_one_weighted_edge_per_document_title_and_relation(seed_store):
    text = SEED.read_text(encoding="utf-8")
    plan_at, summary_at = text.index("\n" + PLAN + "\n"), text.index("\n" + SUMMARY + "\n")
    expected = Counter()
    for record in golden("seed.citations.jsonl"):  # which document cites, read off the golden file's offsets
        citing = NOTICE if record["start"] < plan_at else PLAN if record["start"] < summary_at else SUMMARY
        expected[(citing, record["title"], record["relation"])] += 1
    graph = views.view(seed_store, "citations")
    assert weights(graph) == dict(expected)


def test_the_agencies_view_links_who_works_with_whom(seed_store):
    graph = views.view(seed_store, "agencies")
    assert weights(graph) == {
        ("上海市民政局", "上海市科学技术委员会", "works with"): 2, ("上海市民政局", "上海市闵行区人民政府", "works with"): 2,
        ("上海市民政局", "财税部门", "works with"): 2, ("上海市民政局", "上海市发展和改革委员会", "works with"): 1,
        ("上海市民政局", "上海市残疾人联合会", "works with"): 1, ("上海市民政局", "上海市老龄工作委员会", "works with"): 1,
    }
    assert graph.nodes[next(n for n, d in graph.nodes(data=True) if d["label"] == "上海市科学技术委员会")]["workload"] == 2


def test_the_programs_view(seed_store):
    graph = views.view(seed_store, "programs")
    assert {(a, r) for a, b, r in edges(graph) if b == "桥计划"} == {(PLAN, "involves"), (SUMMARY, "involves")}
    assert {data["group"] for _, data in graph.nodes(data=True)} == {"program", "document"}


def test_the_indicators_view_sets_targets_and_results_on_one_measure(seed_store):
    graph = views.view(seed_store, "indicators")
    assert {(a, r) for a, b, r in edges(graph) if b == "养老床位"} == {(PLAN, "target"), (SUMMARY, "actual")}


def test_the_document_view_holds_its_sections_items_citations_and_indicators(seed_store, seed):
    graph = views.view(seed_store, "document", focus=PLAN)
    groups = Counter(data["group"] for _, data in graph.nodes(data=True))
    assert groups["section"] == sum(section.part == 1 for section in seed.sections)
    assert groups["item"] == sum(sentence.part == 1 and not sentence.is_heading for sentence in seed.sentences)
    text = SEED.read_text(encoding="utf-8")
    plan = range(text.index("\n" + PLAN + "\n"), text.index("\n" + SUMMARY + "\n"))
    amended = sum(1 for record in golden("seed.citations.jsonl") if record["start"] in plan and record["relation"] == "amends")
    assert sum(edges(graph, "amends").values()) == amended == 9
    assert ("修改《上海市老年人权益保障条例》。", "上海市老年人权益保障条例", "amends") in edges(graph)


def test_the_ego_view_keeps_what_is_near(seed_store):
    one = views.view(seed_store, "ego", focus="上海市老年人权益保障条例", depth=1)
    two = views.view(seed_store, "ego", focus="上海市老年人权益保障条例", depth=2)
    assert {data["label"] for _, data in one.nodes(data=True)} == {"上海市老年人权益保障条例", PLAN}
    assert two.number_of_nodes() > 20 and NOTICE in {data["label"] for _, data in two.nodes(data=True)}


def test_an_area_keeps_only_its_work_items(seed_store):
    cited = {b for _, b, _ in edges(views.view(seed_store, "citations", area="养老服务"))}
    assert "上海市老年人权益保障条例" in cited and "上海市公墓管理办法" not in cited


@pytest.mark.parametrize(("view", "focus", "message"), [("ego", None, "needs --focus"), ("document", "条例", "matches"), ("ego", "不存在的标题", "nothing in the graph")])
def test_a_view_that_cannot_be_drawn_says_why(seed_store, view, focus, message):
    with pytest.raises(views.ViewError, match=message):
        views.view(seed_store, view, focus=focus)


def test_analytics(seed_store):
    cited = analyze.most_cited(views.view(seed_store, "citations"), top=3).rows
    assert cited[0]["citing_items"] >= cited[-1]["citing_items"] and cited[0]["citing_items"] == 2
    brokers = analyze.brokers(views.view(seed_store, "agencies")).rows
    assert brokers[0]["agency"] == "上海市民政局" and brokers[0]["partners"] == 6
    assert analyze.components(views.view(seed_store, "overview")).rows[0]["components"] >= 1
    assert analyze.communities(views.view(seed_store, "overview")).rows[0]["size"] > 10


def test_views_export_for_gephi(seed_store, tmp_path):
    import networkx as nx

    for fmt in ("graphml", "gexf"):
        output = tmp_path / f"citations.{fmt}"
        result = CliRunner().invoke(main, ["export", "-f", fmt, "--view", "citations", "-o", str(output), "--store", str(seed_store.path)])
        assert result.exit_code == 0, result.output
        graph = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(output)
        labels = {data["label"] for _, data in graph.nodes(data=True)}
        assert "上海市老年人权益保障条例" in labels and {data["relation"] for _, _, data in graph.edges(data=True)} >= {"amends", "issues"}


def test_viz_and_analyze_on_the_command_line(seed_store, tmp_path):
    output = tmp_path / "ego.html"
    drawn = CliRunner().invoke(main, ["viz", "--view", "ego", "--focus", "上海市老年人权益保障条例", "-o", str(output), "--store", str(seed_store.path)])
    assert drawn.exit_code == 0 and drawn.output.startswith(f"wrote {output}: 2 nodes, 1 edges")
    analysis = CliRunner().invoke(main, ["analyze", "--top", "3", "--store", str(seed_store.path)])
    assert analysis.exit_code == 0 and "== agencies by betweenness" in analysis.output and "上海市民政局" in analysis.output
    missing = CliRunner().invoke(main, ["viz", "--view", "document", "--store", str(seed_store.path)])
    assert missing.exit_code == 1 and "the document view needs --focus" in missing.output



def test_a_title_read_as_a_work_in_one_document_and_as_a_regulation_in_another_keeps_every_label(tmp_path, monkeypatch):
    """The views list a node with each class it has in any graph and each label it has in any
    graph, as the text before their rewrite did: 观看《X（试行）》 makes X a work, 依据《X(试行)》 a
    regulation, and the brackets fold to one node written two ways."""
    from policykg import results
    from policykg.build import build
    from policykg.store import KnowledgeStore

    (tmp_path / "a.txt").write_text("上海市民政局关于开展学习活动的通知\n一、组织学习\n组织观看《上海市养老服务条例（试行）》专题片。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("上海市民政局关于加强管理的通知\n一、加强管理\n依据《上海市养老服务条例(试行)》，加强养老服务管理。\n", encoding="utf-8")
    store = KnowledgeStore(tmp_path / "kg")
    build([tmp_path / "a.txt", tmp_path / "b.txt"], store)
    before = {(row["group"], row["label"]) for row in results.run(store, views._PREFIX + """SELECT DISTINCT ?node ?label ?group WHERE {
      { ?node a pkg:PolicyDocument ; rdfs:label ?label . FILTER NOT EXISTS { ?node pkg:sourceHash ?h } BIND("document" AS ?group) }
      UNION { ?node a pkg:CreativeWork ; rdfs:label ?label . BIND("work" AS ?group) } }""").rows}  # the text before the rewrite
    assert {("work", "上海市养老服务条例（试行）"), ("work", "上海市养老服务条例(试行)"),
            ("document", "上海市养老服务条例（试行）"), ("document", "上海市养老服务条例(试行)")} <= before
    listed: list[dict] = []
    monkeypatch.setattr(views, "_nodes", lambda graph, store, query: listed.extend(results.run(store, views._PREFIX + query).rows))
    views._documents(None, store)
    assert {(row["group"], row["label"]) for row in listed if row["group"] != "source"} == before
