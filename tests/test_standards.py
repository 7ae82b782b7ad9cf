"""The alignment with standard vocabularies, and what `build --infer` materialises."""

from __future__ import annotations

import re

import pytest

from policykg import results
from policykg.build import build
from policykg.ontology.rules import rules
from policykg.store import KnowledgeStore

from support import README, SEED


@pytest.fixture(scope="module")
def inferred(tmp_path_factory) -> KnowledgeStore:
    store = KnowledgeStore(tmp_path_factory.mktemp("infer") / "kg")
    build([SEED], store, infer=True)
    return store


def ask(store, query: str) -> list[dict]:
    return results.run(store, query).rows


def test_the_rules_come_from_the_ontologys_axioms():
    found = rules()
    assert len(found) == 4 and "<http://data.europa.eu/eli/ontology#cites>" in found[1] and "propertyChainAxiom" not in found[3]


def test_a_build_without_infer_holds_no_inferred_graph(seed_store):
    assert "https://w3id.org/policykg/graph/inferred" not in seed_store.graphs()


def test_inverses_and_the_chain_are_materialised(inferred):
    rows = ask(inferred, """PREFIX pkg: <https://w3id.org/policykg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?document WHERE { ?law rdfs:label "上海市老年人权益保障条例"@zh ; pkg:citedBy ?document . ?document a pkg:PolicyDocument ; rdfs:label ?d }""")
    assert len(rows) == 2  # the plan cites it through its work item, and the notice through the plan
    leads = ask(inferred, """PREFIX pkg: <https://w3id.org/policykg/ontology#>
        SELECT (COUNT(?item) AS ?n) WHERE { ?agency pkg:canonicalName "上海市发展和改革委员会" ; pkg:leads ?item }""")
    assert leads[0]["n"] == 1


def test_the_readme_queries_use_only_standard_terms_and_answer_on_the_seed(inferred):
    queries = re.findall(r"```sparql\n(.*?)```", README, re.S)
    assert len(queries) == 3
    for query in queries:
        prefixes = set(re.findall(r"PREFIX (\w+):", query))
        assert prefixes <= {"eli", "org", "dcterms", "rdfs"} and "pkg:" not in query
    cited, changed, passed = (ask(inferred, query) for query in queries)
    assert cited[0]["documents"] == 3 and len(cited) == 5
    assert {row["changed"] for row in changed} >= {"上海市老年人权益保障条例", "上海市公墓管理办法", "上海市殡葬管理条例"}
    assert {"document": "2025年上海民政工作要点", "passed_by": "上海市民政局", "part_of": "上海市人民政府"} in passed


def test_document_kinds_are_a_skos_scheme_that_documents_point_to(seed_store):
    rows = ask(seed_store, """PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?zh ?en (GROUP_CONCAT(DISTINCT ?ending; separator="|") AS ?endings) WHERE {
          ?document dcterms:type ?kind . ?document <http://www.w3.org/2000/01/rdf-schema#label> "上海市老年人权益保障条例"@zh .
          ?kind skos:inScheme ?scheme ; skos:prefLabel ?zh, ?en ; skos:altLabel ?ending . FILTER(LANG(?zh) = "zh" && LANG(?en) = "en") } GROUP BY ?zh ?en""")
    assert rows == [{"zh": "条例", "en": "Regulation", "endings": "条例"}]


def test_documents_speak_dublin_core_and_eli_dates(inferred):
    rows = ask(inferred, """PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX eli: <http://data.europa.eu/eli/ontology#>
        SELECT ?title ?number ?issued ?published WHERE { ?d dcterms:identifier ?number ; dcterms:title ?title ; dcterms:issued ?issued ;
        eli:date_document ?issued ; eli:date_publication ?published ; eli:id_local ?number }""")
    assert rows == [{"title": "上海市民政局关于印发《2025年上海民政工作要点》和《上海民政2024年工作总结》的通知", "number": "沪民办发〔2025〕2号",
                     "issued": "2025-01-22", "published": "2025-01-27"}]


def test_what_is_inferred_is_what_no_other_graph_states_and_the_store_is_merged_after_it(inferred, tmp_path):
    restated = ask(inferred, """SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/policykg/graph/inferred> { ?s ?p ?o }
        GRAPH ?g { ?s ?p ?o } FILTER(?g != <https://w3id.org/policykg/graph/inferred>) }""")
    assert restated[0]["n"] == 0
    plain, inferring = KnowledgeStore(tmp_path / "plain"), KnowledgeStore(tmp_path / "inferring")
    assert build([SEED], plain).merge_seconds == 0  # one batch of documents: not worth a merge
    assert build([SEED], inferring, infer=True).merge_seconds > 0  # what --infer bulk-loads is merged
