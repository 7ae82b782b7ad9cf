"""The ontology: parses everywhere, documents every term, matches its generated names, and is consistent."""

from __future__ import annotations

import shutil

import owlready2
import pyoxigraph as ox
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS

from policykg.ontology import NAMESPACE, generate, ontology_path, ontology_turtle
from policykg.ontology.terms import PKG

TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return rdflib.Graph().parse(data=ontology_turtle(), format="turtle")


def terms(graph):
    return sorted({term for kind in TERM_KINDS for term in graph.subjects(RDF.type, kind) if str(term).startswith(NAMESPACE)})


def test_it_parses_in_rdflib_and_pyoxigraph_to_the_same_size(graph):
    assert len(list(ox.parse(ontology_turtle(), format=ox.RdfFormat.TURTLE))) == len(graph) > 500


def test_every_term_has_zh_and_en_labels_and_a_definition(graph):
    for term in terms(graph):
        languages = {label.language for label in graph.objects(term, RDFS.label)}
        assert {"zh", "en"} <= languages, term
        assert any(True for _ in graph.objects(term, SKOS.definition)), term


def test_the_model_of_the_design_is_there(graph):
    names = {str(term)[len(NAMESPACE):] for term in terms(graph)}
    assert {"PolicyDocument", "Section", "WorkItem", "Program", "Agency", "Indicator", "PolicyArea"} <= names
    assert {"hasPart", "cites", "issues", "amends", "drafts", "implements", "mentions", "leadAgency", "partnerAgency",
            "issuedBy", "involvesProgram", "hasIndicator", "docNumber", "indexNumber", "value", "unit", "measure",
            "kind", "sourceText", "startOffset", "endOffset"} <= names
    for relation in ("issues", "amends", "drafts", "implements", "mentions"):
        assert (rdflib.URIRef(NAMESPACE + relation), RDFS.subPropertyOf, rdflib.URIRef(NAMESPACE + "cites")) in graph


def test_the_generated_names_are_up_to_date():
    committed = (ontology_path().parent / "terms.py").read_text(encoding="utf-8")
    assert committed == generate.generate(), "run `python -m policykg.ontology.generate`"


def test_an_unknown_term_is_an_error():
    assert str(PKG.WorkItem) == NAMESPACE + "WorkItem"
    with pytest.raises(AttributeError):
        PKG.WorkItems  # noqa: B018


needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java: apt-get install default-jre-headless")


def _world_with(tmp_path, extra: str = "") -> owlready2.World:
    data = rdflib.Graph().parse(data=ontology_turtle(), format="turtle")
    if extra:
        data.parse(data=extra, format="turtle")
    path = tmp_path / "ontology.nt"
    data.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load()
    return world


@needs_java
def test_hermit_finds_the_ontology_consistent(tmp_path):
    world = _world_with(tmp_path)
    with world.get_ontology("https://w3id.org/policykg/ontology"):
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []


@needs_java
def test_hermit_finds_a_body_that_is_also_a_work_item_inconsistent(tmp_path):
    wrong = """
        @prefix pkg: <https://w3id.org/policykg/ontology#> .
        <https://w3id.org/policykg/id/agency/x> a pkg:Agency , pkg:WorkItem .
    """
    world = _world_with(tmp_path, wrong)
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)


def _reason_over(graph, tmp_path) -> None:
    from policykg.validate import for_reasoner

    path = tmp_path / "with-data.nt"
    for_reasoner(graph).serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load()
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)


@needs_java
def test_hermit_finds_the_seeds_graph_consistent_with_the_ontology(seed_store, tmp_path):
    from policykg.validate import data_graph

    _reason_over(data_graph(seed_store), tmp_path)  # raises if inconsistent


@needs_java
def test_hermit_finds_a_work_item_typed_as_an_agency_inconsistent(seed_store, tmp_path):
    from policykg.validate import data_graph

    graph = data_graph(seed_store)
    item = next(graph.subjects(RDF.type, rdflib.URIRef(NAMESPACE + "WorkItem")))
    graph.add((item, RDF.type, rdflib.URIRef(NAMESPACE + "Agency")))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _reason_over(graph, tmp_path)
