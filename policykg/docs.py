"""The ontology's reference: every term with its labels, definition, domain and range, the standard
term it aligns to, and an example from a store — as HTML (served at /ontology) and RDF/XML."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef

from policykg.ontology import NAMESPACE, ontology_turtle
from policykg.results import run
from policykg.store import KnowledgeStore

_SHORT = {NAMESPACE: "pkg:", "http://data.europa.eu/eli/ontology#": "eli:", "http://www.w3.org/ns/org#": "org:",
          "http://purl.org/dc/terms/": "dcterms:", "http://www.w3.org/ns/prov#": "prov:", "http://www.w3.org/2004/02/skos/core#": "skos:",
          "http://purl.org/linked-data/cube#": "qb:", "http://www.w3.org/2001/XMLSchema#": "xsd:", "http://www.w3.org/2000/01/rdf-schema#": "rdfs:"}


def _short(term) -> str:
    if not isinstance(term, URIRef):
        return "(union of classes)"
    for namespace, prefix in _SHORT.items():
        if str(term).startswith(namespace):
            return prefix + str(term)[len(namespace):]
    return str(term)


def _text(graph: Graph, term, predicate, language: str) -> str:
    return next((str(value) for value in graph.objects(term, predicate) if isinstance(value, Literal) and value.language == language), "")


def _example(store: KnowledgeStore | None, term: URIRef, is_class: bool) -> str:
    if store is None or not store.exists():
        return ""
    node = ox.NamedNode(str(term))
    label = "OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?sl } OPTIONAL { ?o <http://www.w3.org/2000/01/rdf-schema#label> ?ol }"
    query = (f"SELECT ?s ?sl WHERE {{ ?s a {node} {label.split(' OPTIONAL { ?o')[0]} }} LIMIT 1" if is_class
             else f"SELECT ?s ?sl ?o ?ol WHERE {{ GRAPH ?g {{ ?s {node} ?o }} {label} }} LIMIT 1")
    rows = run(store, query).rows
    if not rows:
        return ""
    row = rows[0]
    subject = row.get("sl") or row["s"]
    if is_class:
        return f"{subject}"
    value = row.get("ol") or row["o"]
    return f"{subject} → {str(value)[:120]}"


def reference(store: KnowledgeStore | None = None) -> dict:
    """Return the template context of the reference: sections of terms with everything said about them."""
    graph = Graph().parse(data=ontology_turtle(), format="turtle")
    sections = []
    for kind, title, anchor in ((OWL.Class, "Classes 类", "classes"), (OWL.ObjectProperty, "Object properties 对象属性", "object-properties"),
                                (OWL.DatatypeProperty, "Datatype properties 数据属性", "datatype-properties")):
        terms = []
        parent_predicate = RDFS.subClassOf if kind == OWL.Class else RDFS.subPropertyOf
        for term in sorted(graph.subjects(RDF.type, kind)):
            if not (isinstance(term, URIRef) and str(term).startswith(NAMESPACE)):
                continue
            parents = [_short(parent) for parent in graph.objects(term, parent_predicate) if isinstance(parent, URIRef)]
            inverse = next((_short(other) for other in [*graph.objects(term, OWL.inverseOf), *graph.subjects(OWL.inverseOf, term)]), "")
            terms.append({
                "name": str(term)[len(NAMESPACE):], "zh": _text(graph, term, RDFS.label, "zh"), "en": _text(graph, term, RDFS.label, "en"),
                "definition_en": _text(graph, term, SKOS.definition, "en"), "definition_zh": _text(graph, term, SKOS.definition, "zh"),
                "domain": _short(next(graph.objects(term, RDFS.domain), None)) if kind != OWL.Class and next(graph.objects(term, RDFS.domain), None) is not None else "",
                "range": _short(next(graph.objects(term, RDFS.range), None)) if next(graph.objects(term, RDFS.range), None) is not None else "",
                "parents": sorted(parent for parent in parents if parent.startswith("pkg:")),
                "aligned": sorted(parent for parent in parents if not parent.startswith("pkg:")),
                "inverse": inverse, "example": _example(store, term, kind == OWL.Class),
            })
        sections.append({"title": title, "anchor": anchor, "terms": terms})
    version = str(next(graph.objects(URIRef(NAMESPACE.rstrip("#")), OWL.versionInfo), ""))
    return {"sections": sections, "version": version, "namespace": NAMESPACE}


def render(store: KnowledgeStore | None = None) -> str:
    """Return the reference as one HTML page with no external resources."""
    templates = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)
    return templates.get_template("ontology.html").render(**reference(store))


def write(folder: str | Path, store: KnowledgeStore | None = None) -> list[Path]:
    """Write index.html and policykg.owl (RDF/XML, for Protégé) into a folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    page, owl = folder / "index.html", folder / "policykg.owl"
    page.write_text(render(store), encoding="utf-8")
    Graph().parse(data=ontology_turtle(), format="turtle").serialize(owl, format="xml", encoding="utf-8")
    return [page, owl]
