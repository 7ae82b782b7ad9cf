"""`policykg trace` and `policykg search` on the seed."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from policykg.build import build
from policykg import search as search_module
from policykg.cli import main
from policykg.search import SearchError, search
from policykg.store import KnowledgeStore
from policykg.trace import TraceError, trace_agency, trace_program, trace_regulation

from support import SEED


@pytest.mark.parametrize("asked", ["上海市老年人权益保障条例", "《上海市老年人权益保障条例》", "老年人权益保障条例", "上海市老年人权益保障条列"])
def test_a_title_is_found_exactly_normalised_in_part_or_nearly(seed_store, asked):
    report = trace_regulation(seed_store, asked)
    assert report.subject == "上海市老年人权益保障条例"
    assert report.tables["cited by"].rows == [{
        "document": "2025年上海民政工作要点", "year": 2025, "section": "(七)做好老龄综合工作", "relation": "amends", "verb": "修改",
        "sentence": "修改《上海市老年人权益保障条例》。",
    }]


def test_an_ambiguous_fragment_lists_the_candidates(seed_store):
    with pytest.raises(TraceError) as caught:
        trace_regulation(seed_store, "条例")
    assert "matches 3 documents: 上海市殡葬管理条例; 上海市行业协会商会条例; 上海市老年人权益保障条例" in str(caught.value)


def test_a_lifecycle_runs_from_draft_to_implementation(seed_store):
    report = trace_regulation(seed_store, "养老科技创新发展行动方案")
    assert report.tables["lifecycle"].rows == [
        {"year": 2024, "document": "上海民政2024年工作总结", "stage": "drafts"},
        {"year": 2025, "document": "2025年上海民政工作要点", "stage": "implements"},
    ]


def test_likely_duplicates_are_shown_beside_the_title(seed_store):
    report = trace_regulation(seed_store, "孤独症儿童康复服务机构设置和服务规范")
    assert report.tables["possibly the same"].rows == [{"title": "孤独症儿童康复服务机构设置和服务标准", "score": 0.95, "reasons": "标准/规范"}]


def test_a_built_document_shows_what_it_cites(seed_store):
    report = trace_regulation(seed_store, "2025年上海民政工作要点")
    cited = {row["regulation"] for row in report.tables["cites"].rows}
    assert "上海市老年人权益保障条例" in cited and len(report.tables["cites"].rows) == 25  # the plan's 25 citations in the golden file


def test_an_agency_by_its_short_form(seed_store):
    report = trace_agency(seed_store, "市科委")
    assert report.subject == "上海市科学技术委员会"
    assert [(row["role"], row["document"]) for row in report.tables["work items"].rows] == [("partner", "2025年上海民政工作要点"), ("partner", "上海民政2024年工作总结")]


def test_a_program(seed_store):
    report = trace_program(seed_store, "桥计划")
    assert [row["year"] for row in report.tables["work items"].rows] == [2024, 2025]


def test_trace_on_the_command_line(seed_store):
    runner = CliRunner()
    table = runner.invoke(main, ["trace", "上海市老年人权益保障条例", "--store", str(seed_store.path)])
    assert table.exit_code == 0 and "修改《上海市老年人权益保障条例》。" in table.output and "amends" in table.output
    as_json = json.loads(runner.invoke(main, ["trace", "老年人权益保障条例", "-f", "json", "--store", str(seed_store.path)]).output)
    assert as_json["subject"] == "上海市老年人权益保障条例" and as_json["cited by"][0]["relation"] == "amends"
    markdown = runner.invoke(main, ["trace", "--program", "一键通", "-f", "markdown", "--store", str(seed_store.path)]).output
    assert markdown.startswith("# 一键通") and "| document | year | section | sentence |" in markdown
    ambiguous = runner.invoke(main, ["trace", "条例", "--store", str(seed_store.path)])
    assert ambiguous.exit_code == 1 and "give more of the name" in ambiguous.output
    assert runner.invoke(main, ["trace", "--store", str(seed_store.path)]).exit_code == 2


def test_search_finds_sentences_and_titles_with_their_entities(seed_store):
    rows = search(seed_store, "老年人权益保障").rows
    assert [(row["kind"], row["sentence"][:12]) for row in rows][:2] == [("title", "上海市老年人权益保障条例"), ("work item", "修改《上海市老年人权益保")]
    item = rows[1]
    assert (item["document"], item["section"], item["entities"]) == ("2025年上海民政工作要点", "(七)做好老龄综合工作", "《上海市老年人权益保障条例》")


def test_two_characters_are_found_too(seed_store):
    assert {row["sentence"] for row in search(seed_store, "科委").rows} >= {"会同市科委研究制订并由市政府办公厅出台《上海市推进养老科技创新发展行动方案(2024—2027年)》,指导闵行区推进上海市养老科技产业园建设。"}


def test_the_index_follows_each_build(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    copy = tmp_path / "notice.txt"
    copy.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    build([copy], store)
    assert len(search(store, "修改《上海市老年人权益保障条例》").rows) == 1
    copy.write_text(SEED.read_text(encoding="utf-8").replace("修改《上海市老年人权益保障条例》", "修订《上海市老年人权益保障条例》"), encoding="utf-8")
    build([copy], store)
    assert search(store, "修改《上海市老年人权益保障条例》").rows == [] and len(search(store, "修订《上海市老年人权益保障条例》").rows) == 1


@pytest.mark.parametrize("changed", [["a"], ["a", "b", "c"]], ids=["a few graphs: deleted from a copy", "most graphs: the rest copied"])
def test_an_index_update_replaces_and_drops_the_rows_of_graphs(tmp_path, changed):
    def row(graph: str, text: str) -> tuple:
        return (text, "work item", f"{graph}#item", graph, "文件", "")

    def rows(folder) -> set[tuple]:
        connection = sqlite3.connect(folder / search_module.INDEX)
        found = set(connection.execute("SELECT text, graph FROM entries WHERE entries MATCH ?", ('"养老服务"',)))
        connection.close()
        return found

    previous, fresh = tmp_path / "previous", tmp_path / "fresh"
    previous.mkdir()
    fresh.mkdir()
    graphs = {graph: [row(graph, f"推进{graph}养老服务")] for graph in "abcdef"}
    search_module.update_index(previous, None, graphs, [])
    written = {graph: [row(graph, f"深化{graph}养老服务改革")] for graph in changed}
    search_module.update_index(fresh, previous, written, ["f"])
    kept = {(f"推进{graph}养老服务", graph) for graph in "abcde" if graph not in changed}
    assert rows(fresh) == kept | {(f"深化{graph}养老服务改革", graph) for graph in changed}
    assert len(rows(previous)) == 6  # the previous generation's index is left as it was


def test_an_empty_search_is_refused(seed_store):
    with pytest.raises(SearchError, match="give some text"):
        search(seed_store, "  ")


def test_a_short_form_shared_by_several_agencies_is_ambiguous(corpus_store):
    with pytest.raises(TraceError, match="'市民政局' is the short form of 3 agencies: 上海市民政局; 包头市民政局; 成都市民政局 — give the full name"):
        trace_agency(corpus_store, "市民政局")


def test_search_folds_full_width_forms_and_case(seed_store):
    ascii_comma = search(seed_store, "《上海市殡葬管理条例》修订,制修订").rows
    full_width = search(seed_store, "《上海市殡葬管理条例》修订，制修订").rows
    assert len(ascii_comma) == len(full_width) == 1
