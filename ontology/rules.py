"""SPARQL rules derived from the ontology's axioms, for ``policykg build --infer``.

Each rule is a CONSTRUCT of what no graph states yet: subclass and subproperty closures (so standard tools find
eli:LegalResource, eli:cites, org:subOrganizationOf, dcterms:hasPart …), inverses
(citedBy, leads …) and the property chain by which a document cites what its parts cite.
The store runs them to a fixpoint; the rules are read from the ontology, never written by hand.
"""

from __future__ import annotations

from rdflib import OWL, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection

from policykg.ontology import ontology_path


def _closure(pairs: set[tuple[URIRef, URIRef]]) -> set[tuple[URIRef, URIRef]]:
    closed = set(pairs)
    while True:
        more = {(a, d) for a, b in closed for c, d in closed if b == c} - closed
        if not more:
            return closed
        closed |= more


def _values(pairs) -> str:
    return " ".join(f"(<{a}> <{b}>)" for a, b in sorted(pairs))


def rules(graph: Graph | None = None) -> list[str]:
    """Return the CONSTRUCT queries that materialise what the ontology's axioms entail."""
    if graph is None:
        graph = Graph().parse(data=ontology_path().read_bytes(), format="turtle")
    classes = _closure({(a, b) for a, b in graph.subject_objects(RDFS.subClassOf) if isinstance(a, URIRef) and isinstance(b, URIRef)})
    properties = _closure({(a, b) for a, b in graph.subject_objects(RDFS.subPropertyOf) if isinstance(a, URIRef) and isinstance(b, URIRef)})
    inverses = {(a, b) for a, b in graph.subject_objects(OWL.inverseOf)}
    inverses |= {(b, a) for a, b in inverses}
    out = [
        _new("?x a ?super", f"VALUES (?sub ?super) {{ {_values(classes)} }} ?x a ?sub"),
        _new("?s ?super ?o", f"VALUES (?sub ?super) {{ {_values(properties)} }} ?s ?sub ?o"),
        _new("?o ?inverse ?s", f"VALUES (?p ?inverse) {{ {_values(inverses)} }} ?s ?p ?o"),
    ]
    for prop, chain in graph.subject_objects(OWL.propertyChainAxiom):
        if isinstance(chain, BNode):
            steps = list(Collection(graph, chain))
            pattern = " . ".join(f"?v{index} <{step}> ?v{index + 1}" for index, step in enumerate(steps))
            out.append(_new(f"?v0 <{prop}> ?v{len(steps)}", pattern))
    return out


def _new(template: str, pattern: str) -> str:
    """A rule that constructs ``template`` where ``pattern`` holds and no graph states it yet."""
    return f"CONSTRUCT {{ {template} }} WHERE {{ {pattern} FILTER NOT EXISTS {{ {template} }} }}"
