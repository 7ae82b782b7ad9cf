"""Check the graph against ontology/shapes.ttl with pyshacl and report what fails, readably."""

from __future__ import annotations

import io
from importlib import resources

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDFS, SH

from policykg.results import Table
from policykg.store import KnowledgeStore

_PKG = rdflib.Namespace("https://w3id.org/policykg/ontology#")


def shapes() -> rdflib.Graph:
    """Return the packaged SHACL shapes."""
    return rdflib.Graph().parse(data=resources.files("policykg.ontology").joinpath("shapes.ttl").read_bytes(), format="turtle")


def data_graph(store: KnowledgeStore) -> rdflib.Graph:
    """Return the union of the documents' graphs as one rdflib graph (what the shapes check)."""
    buffer = io.BytesIO()
    store.dump(buffer, ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=buffer.getvalue(), format="nt")


def _label(graph: rdflib.Graph, node) -> str:
    for predicate in (RDFS.label, _PKG.title, _PKG.canonicalName, _PKG.sourceText):
        value = graph.value(node, predicate)
        if value is not None:
            return str(value)
    return str(node)


def _path(graph: rdflib.Graph, path) -> str:
    if isinstance(path, rdflib.BNode):
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + inverse.n3(graph.namespace_manager)
        return " / ".join(item.n3(graph.namespace_manager) for item in rdflib.collection.Collection(graph, path))
    return path.n3(graph.namespace_manager) if path is not None else ""


def check(graph: rdflib.Graph) -> tuple[bool, Table]:
    """Validate a data graph; return whether it conforms and a table of focus, path and message."""
    conforms, report, _ = shacl_validate(graph, shacl_graph=shapes(), inference="none", advanced=True, allow_warnings=True)
    report.bind("pkg", str(_PKG))
    rows = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        rows.append({"focus": _label(graph, focus), "path": _path(report, report.value(result, SH.resultPath)),
                     "message": str(report.value(result, SH.resultMessage) or ""), "node": str(focus)})
    rows.sort(key=lambda row: (row["message"], row["focus"]))
    return conforms, Table(["focus", "path", "message", "node"], rows)


def for_reasoner(graph: rdflib.Graph) -> rdflib.Graph:
    """Return a copy an OWL 2 reasoner accepts: xsd:date is no OWL 2 datatype, so dates become plain strings."""
    date = rdflib.URIRef("http://www.w3.org/2001/XMLSchema#date")
    out = rdflib.Graph()
    for subject, predicate, obj in graph:
        if isinstance(obj, rdflib.Literal) and obj.datatype == date:
            obj = rdflib.Literal(str(obj))
        out.add((subject, predicate, obj))
    return out
