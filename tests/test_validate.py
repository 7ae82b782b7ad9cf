"""SHACL validation: the seed's graph conforms; a broken graph shows exactly its mistakes."""

from __future__ import annotations

import rdflib
from click.testing import CliRunner

from policykg.cli import main
from policykg.validate import check, data_graph

from support import ROOT


def test_the_seeds_graph_conforms(seed_store):
    conforms, table = check(data_graph(seed_store))
    assert conforms and table.rows == []


def test_a_broken_graph_shows_each_violation():
    graph = rdflib.Graph().parse(ROOT / "tests" / "fixtures" / "broken.ttl")
    conforms, table = check(graph)
    assert not conforms
    assert {(row["focus"], row["message"]) for row in table.rows} == {
        ("越界的句子", "the work item's span lies outside its document's text, or does not quote it"),
        ("无处安放的句子", "a work item names the one document its offsets index into"),
        ("无处安放的句子", "a work item has one integer start offset"),
        ("无处安放的句子", "a work item has one integer end offset"),
        ("无处安放的句子", "a work item stands in a section or a document"),
        ("养老床位 100张", "an indicator has a unit"),
        ("养老床位 100张", "an indicator is a target or an actual result"),
        ("《乙办法》", "the cited document has a title"),
        ("某局", "an agency has a canonical name"),
    }
    assert {row["path"] for row in table.rows} >= {"^pkg:hasPart", "pkg:citedDocument / pkg:title", "pkg:unit"}


def test_validate_on_the_command_line(seed_store):
    result = CliRunner().invoke(main, ["validate", "--store", str(seed_store.path)])
    assert result.exit_code == 0 and result.output == "conforms: every shape holds\n"
