"""The command line, through click's CliRunner and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from policykg.cli import main

from support import CHENGDU, SEED

COMMANDS = ["build", "query", "queries", "stats", "export", "viz"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "kg"
    result = CliRunner().invoke(main, ["build", str(SEED), "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("built 1 document(s), ")
    return path


def invoke(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_a_worked_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0 and "Example:" in result.output and "policykg " + command in result.output


def test_citations_as_json_give_one_object_per_title(store):
    result = invoke("query", "citations", "--format", "json", "--store", store)
    rows = json.loads(result.output)
    assert result.exit_code == 0 and len(rows) == SEED.read_text(encoding="utf-8").count("《") == 70
    assert all(set(row) == {"document", "section", "work_item", "sentence", "regulation", "relation", "verb"} and row["sentence"] for row in rows)


def test_csv_and_tsv_have_a_header_and_one_line_per_row(store):
    csv_lines = invoke("query", "trace", "-p", "title=慈善法", "-f", "csv", "--store", store).output.splitlines()
    assert csv_lines == ["regulation,document,section,relation,sentence", "慈善法,上海民政2024年工作总结,五是深化慈善事业发展,implements,\"学习宣传贯彻新修改的《慈善法》,加强慈善领域政策法规建设。\""]
    tsv_lines = invoke("query", "trace", "-p", "title=慈善法", "-f", "tsv", "--store", store).output.splitlines()
    assert tsv_lines[1].split("\t")[:4] == ["慈善法", "上海民政2024年工作总结", "五是深化慈善事业发展", "implements"]


def test_sparql_text_and_query_files_run_too(store, tmp_path):
    text = "PREFIX pkg: <https://w3id.org/policykg/ontology#> SELECT (COUNT(*) AS ?n) WHERE { ?c a pkg:Citation }"
    assert invoke("query", "-q", text, "-f", "json", "--store", store).output.strip() == '[\n  {\n    "n": 70\n  }\n]'
    query_file = tmp_path / "count.rq"
    query_file.write_text("# title: Count\n" + text, encoding="utf-8")
    assert json.loads(invoke("query", query_file, "-f", "json", "--store", store).output) == [{"n": 70}]
    assert invoke("query", "-q", "ASK { ?s ?p ?o }", "--store", store).output == "true\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["query", "-q", "SELECT ?x WHERE {", "--store", "{store}"], 1, "Error: SPARQL query: invalid SPARQL: error at 1:"),
        (["query", "nosuch", "--store", "{store}"], 1, "Error: nosuch: no such named query; `policykg queries` lists them"),
        (["query", "trace", "--store", "{store}"], 1, "Error: trace: missing parameter title"),
        (["query", "trace", "-p", "title", "--store", "{store}"], 2, "--param 'title': write it as KEY=VALUE"),
        (["query", "--store", "{store}"], 2, "give either a query NAME (or FILE.rq) or --sparql TEXT"),
        (["stats", "--store", "{missing}"], 1, "Error: {missing}: no knowledge graph here; build one with `policykg build DOCUMENTS --store {missing}`"),
        (["build", "{missing}/none.txt", "--store", "{missing}"], 1, "Error: {missing}/none.txt: no such file or folder"),
        (["export", "-o", "{missing}/x.ttl", "--store", "{store}"], 1, "Error: {missing}/x.ttl: the folder {missing} does not exist"),
        (["viz", "-o", "{missing}/g.html", "--store", "{store}"], 1, "Error: {missing}/g.html: the folder {missing} does not exist"),
    ],
)
def test_errors_are_one_line_with_an_exit_code(store, tmp_path, args, code, message):
    def fill(text: str) -> str:
        return text.replace("{store}", str(store)).replace("{missing}", str(tmp_path / "nowhere"))

    result = invoke(*map(fill, args))
    assert result.exit_code == code
    assert fill(message) in result.output
    if code == 1:
        assert result.output.count("\n") == 1


def test_a_failed_build_leaves_the_store_as_it_was(store, tmp_path):
    before = invoke("export", "-f", "nquads", "--store", store).output
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    result = invoke("build", SEED, binary, CHENGDU, "--store", store, "--strict")
    assert result.exit_code == 1 and result.output == f"Error: {binary}: binary data, not a text document\n"
    assert invoke("export", "-f", "nquads", "--store", store).output == before


def test_a_build_lists_the_files_it_could_not_build_and_fails(tmp_path):
    empty, binary, missing = tmp_path / "empty.txt", tmp_path / "scan.txt", tmp_path / "gone.txt"
    empty.write_bytes(b"")
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    result = invoke("build", SEED, empty, binary, missing, "--store", tmp_path / "kg")
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        "failed 3 file(s), not built (what the store held from them is unchanged):",
        f"  {missing}: no such file or folder",
        f"  {empty}: the file is empty",
        f"  {binary}: binary data, not a text document",
    ]
    assert result.output.startswith("built 1 document(s), ")
    assert invoke("query", "documents", "--store", tmp_path / "kg", "--format", "csv").output.count("\n") == 4  # header, the seed notice and its plan and summary


@pytest.mark.parametrize(("fmt", "parse"), [("turtle", "turtle"), ("jsonld", "json-ld"), ("rdfxml", "xml"), ("ntriples", "nt")])
def test_export_triple_formats_parse_with_rdflib(store, tmp_path, fmt, parse):
    output = tmp_path / f"graph.{fmt}"
    assert invoke("export", "-f", fmt, "-o", output, "--store", store).exit_code == 0
    dataset = rdflib.Dataset().parse(output, format=parse)  # JSON-LD keeps the named graphs
    citation = rdflib.URIRef("https://w3id.org/policykg/ontology#Citation")
    citations = {subject for subject, _, _, _ in dataset.quads((None, rdflib.RDF.type, citation, None))}
    assert len(citations) == 70


def test_export_trig_keeps_one_graph_per_document(store, tmp_path):
    output = tmp_path / "graph.trig"
    invoke("export", "-f", "trig", "-o", output, "--store", store)
    from policykg.graph_builder.triples import SHARED_GRAPHS

    graphs = {quad.graph_name.value for quad in ox.parse(path=str(output), format=ox.RdfFormat.TRIG)}
    assert len(graphs - SHARED_GRAPHS) == 1 and "https://w3id.org/policykg/graph/ontology" in graphs


def test_stats_counts_classes_and_relations(store):
    output = invoke("stats", "--store", store).output
    lines = {line.split()[0]: line.split()[1] for line in output.splitlines() if len(line.split()) == 2 and line.split()[1].isdigit()}
    assert output.startswith("source documents: 1") and lines["Citation"] == "70" and lines["qualifiedCitation"] == "70"


def test_queries_lists_every_named_query():
    output = invoke("queries").output
    from policykg.queries import names

    assert [line.split()[0] for line in output.splitlines() if not line.startswith(" ")] == names()
    assert "trace --param title=…" in output


def test_viz_writes_the_page(store, tmp_path):
    output = tmp_path / "graph.html"
    result = invoke("viz", "-o", output, "--store", store)
    assert result.exit_code == 0 and result.output.startswith(f"wrote {output}: ") and output.stat().st_size > 100_000


def test_python_dash_m_and_the_console_script_run(store):
    module = subprocess.run([sys.executable, "-m", "policykg", "query", "trace", "-p", "title=慈善法", "-f", "json", "--store", str(store)], capture_output=True, text=True, check=True)
    assert json.loads(module.stdout)[0]["relation"] == "implements"
    script = subprocess.run([str(Path(sys.executable).with_name("policykg")), "--version"], capture_output=True, text=True, check=True)
    assert script.stdout.startswith("policykg, version ")


def test_serve_refuses_a_row_limit_below_one(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--store", str(tmp_path / "kg"), "--row-limit", "0", "--get", "/"])
    assert result.exit_code == 2
    assert "Invalid value for '--row-limit': 0 is not in the range x>=1." in result.output
