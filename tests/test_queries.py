"""Named queries: documented headers, and the rows they return on the seed."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from policykg import queries, results
from policykg.queries import QueryError
from policykg.store import bind_values

from support import golden


def run(store, name, **params):
    return results.run(store, queries.load(name), params)


@pytest.mark.parametrize("name", queries.names())
def test_every_named_query_is_documented_and_returns_its_columns(seed_store, name):
    named = queries.load(name)
    assert named.title and named.description and named.example.startswith("policykg query ")
    params = {key: "条例" for key, _ in named.parameters}
    table = results.run(seed_store, named, params)
    assert tuple(table.columns) == named.columns and table.rows


def test_the_library_has_the_six_foundation_queries():
    assert {"citations", "regulations", "agencies", "programs", "indicators", "trace"} <= set(queries.names())


def test_citations_give_one_row_per_title_occurrence_with_its_sentence(seed_store):
    rows = run(seed_store, "citations").rows
    expected = golden("seed.citations.jsonl")
    assert [(row["regulation"], row["relation"], row["verb"] or "") for row in rows] == [(r["title"], r["relation"], r["verb"]) for r in expected]
    assert all(row["sentence"] and f"《{row['regulation']}》" in row["sentence"] for row in rows)
    assert rows[9]["document"] == "2025年上海民政工作要点" and rows[9]["section"] == "(七)做好老龄综合工作"
    assert rows[9]["sentence"] == "修改《上海市老年人权益保障条例》。"


def test_regulations_count_citations_and_relations(seed_store):
    rows = {row["regulation"]: row for row in run(seed_store, "regulations").rows}
    law = rows["上海市老年人权益保障条例"]
    assert (law["kind"], law["citations"], law["citing_documents"], law["relations"]) == ("条例", 1, 1, "amends")
    plan = rows["上海市推进养老科技创新发展行动方案(2024—2027年)"]
    assert plan["citations"] == 2 and set(plan["relations"].split(", ")) == {"implements", "drafts"}


def test_agencies_count_the_items_they_lead_and_support(seed_store, seed):
    rows = {row["agency"]: row for row in run(seed_store, "agencies").rows}
    work_items = sum(not sentence.is_heading for sentence in seed.sentences)
    assert rows["上海市民政局"]["lead_items"] == work_items - 1  # one item is led by 市发改委 (配合市发改委…)
    assert (rows["上海市发展和改革委员会"]["lead_items"], rows["上海市发展和改革委员会"]["partner_items"]) == (1, 1)
    assert rows["上海市科学技术委员会"]["partner_items"] == 2
    assert set(rows["上海市科学技术委员会"]["short_names"].split("|")) == {"市科委", "上海市科委"}


def test_programs_count_work_items_and_documents(seed_store):
    rows = {row["program"]: row for row in run(seed_store, "programs").rows}
    assert (rows["银龄行动"]["mentions"], rows["银龄行动"]["documents"]) == (3, 1)
    assert (rows["桥计划"]["mentions"], rows["桥计划"]["documents"]) == (2, 1)


def test_indicators_set_targets_beside_results(seed_store, seed):
    rows = run(seed_store, "indicators").rows
    assert len(rows) == len(seed.found["indicators"])
    target = next(row for row in rows if row["measure"] == "养老护理员持证率")
    assert target == {
        "document": "2025年上海民政工作要点", "kind": "target", "measure": "养老护理员持证率", "value": 85, "unit": "%",
        "qualifier": "达到", "year": 2025, "sentence": "落实《本市养老护理员队伍建设行动方案(2024—2027年)》和激励补贴办法,持续提高养老护理员素质和技能,全市养老护理员持证率达到85%。",
    }
    beds = {(row["kind"], row["year"], row["value"]) for row in rows if row["measure"] == "养老床位"}
    assert beds == {("target", 2025, 3000), ("actual", 2024, 4385)}


def test_trace_finds_where_a_regulation_is_cited(seed_store):
    assert run(seed_store, "trace", title="老年人权益保障条例").rows == [{
        "regulation": "上海市老年人权益保障条例", "document": "2025年上海民政工作要点", "section": "(七)做好老龄综合工作",
        "relation": "amends", "sentence": "修改《上海市老年人权益保障条例》。",
    }]


def test_a_parameter_value_cannot_change_the_query(seed_store):
    assert run(seed_store, "trace", title='条例" ) } } SELECT * WHERE { ?s ?p ?o } #').rows == []


def test_a_parameter_is_bound_in_its_slot_so_a_filter_in_a_nested_group_sees_it():
    store = ox.Store()
    for name in ("慈善法", "老年人权益保障条例"):
        store.add(ox.Quad(ox.NamedNode(f"urn:{name}"), ox.NamedNode("urn:label"), ox.Literal(name)))
    slotted = "SELECT ?x WHERE { { VALUES ?t { UNDEF } ?x <urn:label> ?l FILTER(CONTAINS(?l, ?t)) } }"
    bound = bind_values(slotted, {"t": ox.Literal("条例")})
    assert bound == 'SELECT ?x WHERE { { VALUES ?t { "条例" } ?x <urn:label> ?l FILTER(CONTAINS(?l, ?t)) } }'
    assert [row["x"].value for row in store.query(bound)] == ["urn:老年人权益保障条例"]
    # without a slot the parameter is bound for the whole WHERE group, where a nested FILTER cannot see it
    plain = bind_values(slotted.replace("VALUES ?t { UNDEF } ", ""), {"t": ox.Literal("条例")})
    assert plain.startswith('SELECT ?x WHERE {\n  VALUES (?t) { ("条例") }') and list(store.query(plain)) == []


def test_no_parameter_value_is_read_as_a_slot_of_another():
    store = ox.Store()
    for name in ("secret", "x"):
        store.add(ox.Quad(ox.NamedNode(f"urn:{name}"), ox.NamedNode("urn:p"), ox.Literal(name)))
    query = "SELECT ?x WHERE { { VALUES ?a { UNDEF } ?x <urn:p> ?a } FILTER(STR(?x) != ?b) }"
    bound = bind_values(query, {"a": ox.Literal("VALUES ?b { UNDEF }"), "b": ox.Literal(" UNDEF } ?x ?p ?o BIND(STR(?p) AS ?b) } #")})
    assert list(store.query(bound)) == []  # no label is a's text; b's text stays a string


@pytest.mark.parametrize(
    ("params", "message"),
    [({}, "trace: missing parameter title"), ({"title": "x", "year": "1"}, "trace: unknown parameter year")],
)
def test_wrong_parameters_are_named(seed_store, params, message):
    with pytest.raises(QueryError, match=message):
        results.run(seed_store, queries.load("trace"), params)


def test_a_broken_query_reports_the_parser_message(seed_store):
    with pytest.raises(QueryError, match=r"^SPARQL query: invalid SPARQL: error at 1:"):
        results.run(seed_store, "SELECT ?x WHERE { ?x ")


def test_json_rows_are_objects_keyed_by_column(seed_store):
    table = run(seed_store, "trace", title="慈善法")
    import json

    assert json.loads(results.render(table, "json")) == [
        {"regulation": "慈善法", "document": "上海民政2024年工作总结", "section": "五是深化慈善事业发展", "relation": "implements",
         "sentence": "学习宣传贯彻新修改的《慈善法》,加强慈善领域政策法规建设。"}
    ]


@pytest.mark.parametrize("name", ["citations", "indicators", "trace"])
def test_rows_are_not_repeated_when_documents_share_entities(tmp_path, name):
    from policykg.build import build
    from policykg.store import KnowledgeStore

    from support import SEED

    other = tmp_path / "other.txt"  # a second document citing the seed's plan by the same title
    other.write_text("某区民政局关于落实市级工作的通知\n落实《2025年上海民政工作要点》和《上海市老年人权益保障条例》，新增养老床位100张。\n", encoding="utf-8")
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED, other], store)
    params = {"title": "条例"} if name == "trace" else {}
    rows = [tuple(row.values()) for row in results.run(store, queries.load(name), params).rows]
    assert len(rows) == len(set(rows)) or name == "citations"
    single = KnowledgeStore(tmp_path / "single")
    build([SEED], single)
    alone = results.run(single, queries.load(name), params).rows
    assert len(rows) == len(alone) + {"citations": 2, "indicators": 1, "trace": 1}[name]


def test_targets_stand_beside_the_results_of_the_same_measure(seed_store):
    rows = {row["measure"]: row for row in run(seed_store, "targets-vs-results").rows}
    assert rows["养老床位"] == {
        "measure": "养老床位", "unit": "张", "target_year": 2025, "target": 3000, "actual_year": 2024, "actual": 4385,
        "target_qualifier": "新增", "actual_qualifier": "新增", "jurisdiction": "上海市",
        "plan": "2025年上海民政工作要点", "report": "上海民政2024年工作总结",  # the plan that set it, the summary that reported
    }
    assert (rows["认知障碍照护床位"]["target"], rows["认知障碍照护床位"]["actual"], rows["认知障碍照护床位"]["actual_qualifier"]) == (3000, 3210, "改建")


def test_a_measure_of_another_city_is_another_series(corpus_store):
    rows = run(corpus_store, "targets-vs-results").rows
    assert {row["measure"] for row in rows} >= {"养老床位", "社区综合为老服务中心"}
    assert all(row["target_year"] in (2025,) and row["actual_year"] == 2024 for row in rows)  # no Chengdu target beside a Shanghai result


def test_the_library_answers_at_least_twelve_questions():
    assert {"targets-vs-results", "lifecycle", "cooperation", "agency-workload", "areas", "unresolved", "documents"} <= set(queries.names())
    assert len(queries.names()) >= 12


def test_lifecycle_follows_a_regulation_from_one_year_to_the_next(seed_store):
    rows = run(seed_store, "lifecycle").rows
    science = [row for row in rows if row["regulation"].startswith("上海市推进养老科技创新发展行动方案")]
    assert science == [{
        "regulation": "上海市推进养老科技创新发展行动方案(2024—2027年)", "first_document": "上海民政2024年工作总结", "first_relation": "drafts",
        "first_year": 2024, "later_document": "2025年上海民政工作要点", "later_relation": "implements", "later_year": 2025,
    }]
    assert len(rows) == 5 and all(row["first_year"] == 2024 and row["later_year"] == 2025 for row in rows)


def test_cooperation_pairs_agencies_that_share_work_items(seed_store):
    pairs = {(row["agency"], row["partner"]): row["work_items"] for row in run(seed_store, "cooperation").rows}
    assert pairs[("上海市民政局", "上海市科学技术委员会")] == 2 and pairs[("上海市民政局", "上海市残疾人联合会")] == 1
    assert ("上海市发展和改革委员会", "上海市民政局") not in pairs  # 配合市发改委: the issuer does not partner itself in


def test_agency_workload_splits_lead_and_partner_items_by_area(seed_store):
    rows = {(row["agency"], row["area"]): row for row in run(seed_store, "agency-workload").rows}
    assert rows[("上海市民政局", "养老服务")]["lead_items"] > 50
    science = [row for (agency, _), row in rows.items() if agency == "上海市科学技术委员会"]
    assert sum(row["partner_items"] for row in science) == 2 and sum(row["lead_items"] for row in science) == 0


def test_areas_count_items_citations_and_indicators(seed_store):
    rows = {row["area"]: row for row in run(seed_store, "areas").rows}
    assert rows["养老服务"]["broader"] == "民政" and rows["养老服务"]["work_items"] > 50 and rows["养老服务"]["indicators"] > 30


def test_documents_lists_what_the_store_was_built_from(seed_store):
    rows = {row["document"]: row for row in run(seed_store, "documents").rows}
    notice = rows["上海市民政局关于印发《2025年上海民政工作要点》和《上海民政2024年工作总结》的通知"]
    assert (notice["kind"], notice["issuer"], notice["doc_number"], notice["date_issued"], notice["date_published"]) == ("通知", "上海市民政局", "沪民办发〔2025〕2号", "2025-01-22", "2025-01-27")
    assert set(rows) == {notice["document"], "2025年上海民政工作要点", "上海民政2024年工作总结"}


def test_the_data_health_report_names_what_to_check(seed_store):
    rows = run(seed_store, "unresolved").rows
    problems = {row["problem"] for row in rows}
    assert {"cited, not in the store", "possibly the same document"} <= problems
    duplicates = [row for row in rows if row["problem"] == "possibly the same document"]
    assert len(duplicates) == 3 and any("标准/规范" in row["detail"] for row in duplicates)
    assert not any(row["subject"] == "2025年上海民政工作要点" for row in rows)  # built, so not unresolved


def test_documents_lists_documents_only(corpus_store):
    rows = run(corpus_store, "documents").rows
    assert len(rows) == 7 and "存在的问题" not in {row["document"] for row in rows}


def _measures(name: str, number: str, body: str, transmitted: str | None = None, preamble: str = "为加快建设养老服务体系，制定本措施。") -> str:
    """A notice of the genre transmitting a document of measures with the given body."""
    return (f"成都市民政局关于印发{name}的通知\n文　　号：成民发〔2023〕{number}号\n各区民政局：\n"
            f"《{name}》已经同意，现印发你们，请认真贯彻执行。\n成都市民政局\n2023年5月19日\n"
            f"{transmitted or name}\n{preamble}\n{body}")


def _store_of(tmp_path, *texts: str):
    from policykg.build import build
    from policykg.store import KnowledgeStore

    files = []
    for number, text in enumerate(texts):
        files.append(tmp_path / f"doc{number}.txt")
        files[-1].write_text(text, encoding="utf-8")
    store = KnowledgeStore(tmp_path / "kg")
    build(files, store)
    return store


def test_trace_repeats_no_citation_when_a_title_is_written_two_ways(tmp_path):
    # the notice writes （试行）, the transmitted text (试行): one document node with two labels and two titles;
    # its preamble, whose unit has the document itself as container, cites the law, and so does a work item
    store = _store_of(tmp_path, _measures("养老服务若干措施（试行）", "21", "一、完善养老服务体系\n（一）依据《中华人民共和国老年人权益保障法》完善社区养老服务综合体。\n",
                                          transmitted="养老服务若干措施(试行)", preamble="为贯彻《中华人民共和国老年人权益保障法》，加快建设养老服务体系，制定本措施。"))
    rows = [tuple(row.values()) for row in run(store, "trace", title="老年人权益保障法").rows]
    assert len(rows) == 4 and len(set(rows)) == 4  # the two citations, each once under each way of writing its document's title
    assert {row[1] for row in rows} == {"养老服务若干措施（试行）", "养老服务若干措施(试行)"}


def test_cooperation_counts_work_items_not_the_headings_that_name_both_agencies(tmp_path):
    store = _store_of(tmp_path, _measures("养老服务若干措施", "9", "一、市民政局会同市财政局完善养老服务体系\n"
                                          "（一）完善社区养老服务综合体。［市民政局、市财政局按职责分工负责］\n"
                                          "（二）到2025年建成老年助餐点100个。［市民政局、市财政局按职责分工负责］\n"))
    pkg = "PREFIX pkg: <https://w3id.org/policykg/ontology#> "
    both = " ?unit pkg:leadAgency [ pkg:canonicalName '成都市民政局' ] ; pkg:partnerAgency [ pkg:canonicalName '成都市财政局' ] . "
    count = lambda kind: store.query(pkg + f"SELECT (COUNT(DISTINCT ?unit) AS ?n) WHERE {{ GRAPH ?g {{ ?unit a {kind} . {both} }} }}")  # noqa: E731
    items, headings = (int(next(iter(count(kind)))["n"].value) for kind in ("pkg:WorkItem", "pkg:Section"))
    assert items >= 2 and headings == 1  # the heading names both as well, and is no work item
    pairs = {(row["agency"], row["partner"]): row["work_items"] for row in run(store, "cooperation").rows}
    assert pairs[("成都市民政局", "成都市财政局")] == items


def test_a_program_written_two_ways_is_one_program(tmp_path):
    store = _store_of(tmp_path, *(_measures(f"养老服务措施{part}", number, f"一、完善养老服务体系\n（一）开展“银龄{brackets}行动”。完善社区养老服务综合体。\n")
                                  for part, number, brackets in (("A", "11", "（护航）"), ("B", "12", "(护航)"))))
    assert run(store, "programs").rows == [{"program": "银龄(护航)行动", "mentions": 2, "documents": 2}]
