"""The README documents every command, named query and vocabulary term as they are."""

from __future__ import annotations

import re

import rdflib
from rdflib import OWL, RDF

from policykg.ontology import NAMESPACE, ontology_turtle
from policykg.queries import all_queries

from support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_two_commands_come_first():
    assert README.index("make demo") < README.index("## CLI reference") and "make test" in README


def test_every_command_has_its_help_in_the_cli_reference():
    from policykg.cli import main

    for name in main.commands:
        assert f"### policykg {name}\n" in README, name


def test_every_named_query_is_listed_with_its_columns():
    for named in all_queries():
        row = re.search(rf"^\| `{named.name}` \|(?P<params>[^|]*)\|(?P<columns>[^|]*)\|", README, re.M)
        assert row, named.name
        assert tuple(column.strip() for column in row["columns"].split(",")) == named.columns
        assert {f"`{key}`" for key, _ in named.parameters} == set(row["params"].split()) - {""}


def test_every_vocabulary_term_is_in_the_table():
    graph = rdflib.Graph().parse(data=ontology_turtle(), format="turtle")
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in graph.subjects(RDF.type, kind):
            if str(term).startswith(NAMESPACE):
                assert f"| `pkg:{str(term)[len(NAMESPACE):]}` |" in README, term


def test_the_vocabulary_tables_are_generated_from_the_ontology():
    from policykg.ontology.generate import with_vocabulary

    assert with_vocabulary(README) == README, "run `python -m policykg.ontology.generate`"


def test_the_cli_reference_is_the_commands_help():
    from policykg.readme import with_cli

    assert with_cli(README) == README, "run `python -m policykg.readme`"
