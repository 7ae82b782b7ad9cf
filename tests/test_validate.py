"""SHACL validation: the seed's graph conforms; a broken graph shows exactly its mistakes."""

from __future__ import annotations

import rdflib
from click.testing import CliRunner

from policykg.cli import main
from policykg.store import KnowledgeStore
from policykg.validate import check, check_store, data_graph

from support import ROOT, SEED


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


_PREFIXES = "@prefix pkg: <https://w3id.org/policykg/ontology#> . @prefix ag: <https://w3id.org/policykg/id/agency/> . "


def _with_broken_graphs(path, names: list[str], more: dict[str, str] | None = None) -> KnowledgeStore:
    """The seed's store, with the broken fixture written again into a graph of each name (its
    nodes renamed per graph), and ``more``: Turtle for other graphs, by graph name."""
    import pyoxigraph as ox

    from policykg.build import build

    store = KnowledgeStore(path)
    build([SEED], store)
    fixture = (ROOT / "tests" / "fixtures" / "broken.ttl").read_text(encoding="utf-8")
    texts = {name: fixture.replace("/id/", f"/id/{name}-") for name in names} | {name: _PREFIXES + text for name, text in (more or {}).items()}
    with store.transaction() as generation:
        for name, text in texts.items():
            graph = ox.NamedNode(f"https://w3id.org/policykg/graph/{name}")
            generation.add([ox.Quad(triple.subject, triple.predicate, triple.object, graph) for triple in ox.parse(text, format=ox.RdfFormat.TURTLE)])
    return store


def _rows(table) -> list[tuple]:
    return sorted(tuple(sorted(row.items())) for row in table.rows)


def test_what_checking_a_graph_at_a_time_must_still_see_and_must_not_invent(tmp_path):
    store = _with_broken_graphs(tmp_path / "kg", [], {
        "one": "ag:group a pkg:AgencyGroup . ag:shared a pkg:Agency . ag:named a pkg:AgencyGroup ; pkg:canonicalName \"甲局\" .",
        "two": "ag:shared a pkg:Agency .",  # one agency typed in two graphs, named in neither: one violation
        "resolution": "ag:stray a pkg:Agency .",  # a shared graph that types a node a shape targets is checked too
        "inferred": "ag:named a pkg:Agency .",  # follows from the class hierarchy: never checked on its own
        "untyped": "<https://w3id.org/policykg/id/x> pkg:startOffset 5 ; pkg:endOffset 1 ; pkg:sourceDocument <https://w3id.org/policykg/id/x> ; pkg:sourceText \"x\" . "
                   "<https://w3id.org/policykg/id/x> pkg:text \"\" .",  # fails the span check, but is no work item
    })
    union = check(data_graph(store))
    conforms, table = check_store(store, jobs=2)
    assert not conforms and _rows(table) == _rows(union[1])
    assert {(row["node"].rsplit("/", 1)[1], row["message"]) for row in table.rows} == {
        ("group", "an agency has a canonical name"),  # an AgencyGroup is an Agency: the hierarchy goes with each graph
        ("shared", "an agency has a canonical name"), ("stray", "an agency has a canonical name")}


def test_a_store_is_checked_a_graph_at_a_time_with_what_checking_the_union_finds(tmp_path):
    store = _with_broken_graphs(tmp_path / "kg", ["broken-a", "broken-b"])
    union = check(data_graph(store))
    assert not union[0] and len(union[1].rows) == 18  # the fixture's nine mistakes in each graph
    for jobs in (1, 2):
        done = []
        conforms, table = check_store(store, jobs=jobs, on_graph=done.append)
        assert not conforms
        assert sorted(map(sorted, (row.items() for row in table.rows))) == sorted(map(sorted, (row.items() for row in union[1].rows)))
        assert sorted(done) == sorted(store.graphs())  # each graph told once, checked or passed over (the progress bar's count)


def test_validate_on_the_command_line_lists_each_violation_and_fails(tmp_path):
    store = _with_broken_graphs(tmp_path / "kg", ["broken"])
    result = CliRunner().invoke(main, ["validate", "--store", str(store.path), "--jobs", "2", "--format", "csv"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "focus,path,message" and len(lines) == 1 + 9 + 1 and lines[-1] == "Error: 9 violation(s) of the shapes"
    assert "越界的句子,,\"the work item's span lies outside its document's text, or does not quote it\"" in lines


def test_validate_on_the_command_line(seed_store):
    result = CliRunner().invoke(main, ["validate", "--store", str(seed_store.path)])
    assert result.exit_code == 0 and result.output == "conforms: every shape holds\n"


def test_the_reference_documents_every_term_with_an_example(seed_store, tmp_path):
    import re

    from rdflib import OWL, RDF

    from policykg.docs import write
    from policykg.ontology import NAMESPACE, ontology_turtle

    page, owl = write(tmp_path, seed_store)
    html = page.read_text(encoding="utf-8")
    ontology = rdflib.Graph().parse(data=ontology_turtle(), format="turtle")
    terms = {str(term)[len(NAMESPACE):] for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty) for term in ontology.subjects(RDF.type, kind) if str(term).startswith(NAMESPACE)}
    assert set(re.findall(r'<h3 id="(\w+)">', html)) == terms
    cites = html[html.index('id="cites"'):html.index("</dl>", html.index('id="cites"'))]
    assert "引用" in cites and "eli:cites" in cites and "pkg:citedBy" in cites and "example" in cites
    assert "http" not in re.sub(r"<code>[^<]*</code>|https://w3id\.org/policykg[^\s<\"]*", "", html.split("<body>")[0])  # nothing loaded from elsewhere
    assert len(rdflib.Graph().parse(owl, format="xml")) == len(ontology)


def test_the_rdf_xml_copy_opens_in_owlready2_as_protege_would(tmp_path):
    import owlready2

    from policykg.docs import write

    _, owl = write(tmp_path)
    world = owlready2.World()
    onto = world.get_ontology(owl.as_uri()).load()
    assert onto.search_one(iri="*#WorkItem") is not None and onto.search_one(iri="*#citedBy") is not None


def test_the_server_serves_the_reference(seed_store):
    from werkzeug.test import Client

    from policykg.server import App

    app = App(seed_store.path)
    try:
        client = Client(app)
        assert "pkg:WorkItem" in client.get("/ontology").get_data(as_text=True)
        assert client.get("/policykg.owl").mimetype == "application/rdf+xml"
    finally:
        app.close()
