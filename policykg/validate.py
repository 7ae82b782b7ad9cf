"""Check the graph against ontology/shapes.ttl with pyshacl and report what fails, readably.

A store is checked a document graph at a time (:func:`check_store`): pyshacl holds its data as
rdflib objects and evaluates a SPARQL constraint by parsing its query again for every focus
node (40 ms each), so the union of 1,000 documents (2.2 million triples) had not been checked
after ten minutes and 4.8 GB. Every entity a document names is described in that document's
own graph, so each graph checked with the ontology's class hierarchy gives what checking their
union gives, in the memory of one document and in parallel; the SPARQL constraints of node
shapes are evaluated once, by Oxigraph, over the whole store.
"""

from __future__ import annotations

import io
import multiprocessing
import re
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import resources

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, RDFS, SH

from policykg.graph_builder import triples
from policykg.results import Table
from policykg.store import KnowledgeStore

_PKG = rdflib.Namespace("https://w3id.org/policykg/ontology#")
_COLUMNS = ["focus", "path", "message", "node"]


def shapes() -> rdflib.Graph:
    """Return the packaged SHACL shapes."""
    return rdflib.Graph().parse(data=resources.files("policykg.ontology").joinpath("shapes.ttl").read_bytes(), format="turtle")


def data_graph(store: KnowledgeStore) -> rdflib.Graph:
    """Return the union of the documents' graphs as one rdflib graph (what the shapes check)."""
    buffer = io.BytesIO()
    store.dump(buffer, ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=buffer.getvalue(), format="nt")


_LABELS = (RDFS.label, _PKG.title, _PKG.canonicalName, _PKG.sourceText)  # what names a focus node in a report, first found first


def _label(graph: rdflib.Graph, node) -> str:
    for predicate in _LABELS:
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


def check(graph: rdflib.Graph, shacl: rdflib.Graph | None = None) -> tuple[bool, Table]:
    """Validate a data graph (against ``shacl``, by default the packaged shapes); return whether
    it conforms and a table of focus, path and message."""
    conforms, report, _ = shacl_validate(graph, shacl_graph=shapes() if shacl is None else shacl, inference="none", advanced=True, allow_warnings=True)
    report.bind("pkg", str(_PKG))
    rows = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        rows.append({"focus": _label(graph, focus), "path": _path(report, report.value(result, SH.resultPath)),
                     "message": str(report.value(result, SH.resultMessage) or ""), "node": str(focus)})
    rows.sort(key=lambda row: (row["message"], row["focus"]))
    return conforms, Table(_COLUMNS, rows)


# a SELECT that finds the same nodes with $this unbound as with it bound to each: $this starts its
# first triple pattern, and nothing in it (negation, grouping, a nested SELECT) reads $this before that
_UNBOUND_SAFE = re.compile(r"\s*SELECT\s+\$this\s+WHERE\s*\{\s*\$this\s", re.IGNORECASE)
_PREBOUND = re.compile(r"\b(?:MINUS|EXISTS|GROUP\s+BY|HAVING|SELECT\b[\s\S]*\bSELECT)\b|\$(?:currentShape|shapesGraph)\b", re.IGNORECASE)
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target}


@dataclass(frozen=True)
class _Constraint:
    """A SPARQL constraint of a node shape: its SELECT (prefixes declared) and message, for the nodes of its class."""

    target: str
    select: str
    message: str


def _split(shacl: rdflib.Graph) -> tuple[rdflib.Graph, list[_Constraint]]:
    """The shapes without the SPARQL constraints of node shapes that target a class, and those constraints."""
    core = rdflib.Graph()
    for triple in shacl:
        core.add(triple)
    constraints = []
    for shape, constraint in shacl.subject_objects(SH.sparql):
        targets, select = list(shacl.objects(shape, SH.targetClass)), shacl.value(constraint, SH.select)
        message = str(shacl.value(constraint, SH.message) or "")
        if (len(targets) != 1 or select is None or (shape, RDF.type, SH.NodeShape) not in shacl or len(set(shacl.predicates(shape)) & _TARGETS) != 1
                or not _UNBOUND_SAFE.match(str(select)) or _PREBOUND.search(str(select)) or "{" in message):
            continue  # another kind of SPARQL constraint, or one that needs $this bound first: left to pyshacl
        prefixes = "".join(f"PREFIX {shacl.value(declared, SH.prefix)}: <{shacl.value(declared, SH.namespace)}>\n"
                           for declarations in shacl.objects(constraint, SH.prefixes) for declared in shacl.objects(declarations, SH.declare))
        constraints.append(_Constraint(str(targets[0]), prefixes + str(select), message))
        core.remove((shape, SH.sparql, constraint))
    return core, constraints


def check_store(store: KnowledgeStore, jobs: int = 1, on_graph: Callable[[str], None] | None = None) -> tuple[bool, Table]:
    """Validate a store: each document graph on its own with the ontology's class hierarchy, in
    ``jobs`` processes (``on_graph`` is told of each graph done or passed over), and the SPARQL
    constraints of node shapes once over all graphs. A node typed in several graphs is reported
    once for each violation. The other shared graphs are checked too where they type a node a
    shape targets (none does as policykg writes them); the inferred graph never is: what it says
    follows from the others."""
    core, constraints = _split(shapes())
    reader = store.reader()
    hierarchy = _hierarchy(reader)
    targets = {str(target) for target in core.objects(None, SH.targetClass)} | {constraint.target for constraint in constraints}
    kinds = {kind for kind, supers in hierarchy.items() if supers & targets} | targets
    every = sorted(graph.value for graph in reader.named_graphs() if isinstance(graph, ox.NamedNode))  # of this generation
    graphs = [graph for graph in every if graph not in triples.SHARED_GRAPHS
              or graph != triples.INFERRED_GRAPH.value and _types_any(reader, graph, kinds)]
    for graph in sorted(set(every) - set(graphs)):
        if on_graph:
            on_graph(graph)
    axioms = "".join(f"<{kind}> <{RDFS.subClassOf}> <{parent}> .\n" for kind, supers in hierarchy.items() for parent in supers).encode("utf-8")
    rows = [row for rows in _each_graph(reader, graphs, core.serialize(format="nt", encoding="utf-8"), axioms, jobs, on_graph) for row in rows]
    for constraint in constraints:
        rows += _sparql_rows(reader, constraint, hierarchy)
    rows = list({(row["node"], row["path"], row["message"]): row for row in rows}.values())
    rows.sort(key=lambda row: (row["message"], row["focus"], row["path"], row["node"]))
    return not rows, Table(_COLUMNS, rows)


def _hierarchy(reader: ox.Store) -> dict[str, set[str]]:
    """Each class of the ontology with all its superclasses."""
    parents: dict[str, set[str]] = {}
    for quad in reader.quads_for_pattern(None, ox.NamedNode(str(RDFS.subClassOf)), None, triples.ONTOLOGY_GRAPH):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            parents.setdefault(quad.subject.value, set()).add(quad.object.value)
    closed = {}
    for kind, direct in parents.items():
        seen, todo = set(), list(direct)
        while todo:
            parent = todo.pop()
            if parent not in seen:
                seen.add(parent)
                todo.extend(parents.get(parent, ()))
        closed[kind] = seen
    return closed


def _types_any(reader: ox.Store, graph: str, kinds: set[str]) -> bool:
    values = " ".join(f"<{kind}>" for kind in sorted(kinds))
    return bool(reader.query(f"ASK {{ GRAPH <{graph}> {{ VALUES ?kind {{ {values} }} ?node a ?kind }} }}"))


def _each_graph(reader: ox.Store, graphs: list[str], core: bytes, axioms: bytes, jobs: int,
                on_graph: Callable[[str], None] | None) -> Iterator[list[dict]]:
    """The rows of each graph, checked in order; with ``jobs`` > 1 in as many processes, with a
    few graphs at a time in flight, so that memory holds a few documents, not the corpus."""
    def data(graph: str) -> tuple[str, bytes]:
        buffer = io.BytesIO()
        reader.dump(buffer, ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        return graph, buffer.getvalue() + axioms

    if jobs > 1 and len(graphs) > 1:
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_start_checker, initargs=(core,))
        try:
            waiting: deque = deque()
            for graph in graphs:
                waiting.append((graph, pool.submit(_check_in_worker, data(graph))))
                if len(waiting) > 2 * jobs:
                    done, future = waiting.popleft()
                    yield future.result()
                    if on_graph:
                        on_graph(done)
            while waiting:
                done, future = waiting.popleft()
                yield future.result()
                if on_graph:
                    on_graph(done)
        finally:  # an error, or the caller stopping early: nothing more is checked
            pool.shutdown(wait=True, cancel_futures=True)
        return
    _start_checker(core)
    for graph in graphs:
        yield _check_in_worker(data(graph))
        if on_graph:
            on_graph(graph)


_CHECKER: list[rdflib.Graph] = []


def _start_checker(core: bytes) -> None:
    _CHECKER[:] = [rdflib.Graph().parse(data=core, format="nt")]


def _check_in_worker(item: tuple[str, bytes]) -> list[dict]:
    graph = rdflib.Graph().parse(data=item[1], format="nt")
    return check(graph, _CHECKER[0])[1].rows


def _sparql_rows(reader: ox.Store, constraint: _Constraint, hierarchy: dict[str, set[str]]) -> list[dict]:
    """The nodes of the constraint's class for which its SELECT finds a solution, evaluated once
    for all of them ($this unbound, then kept to the focus nodes), as pyshacl would for each."""
    kinds = " ".join(f"<{kind}>" for kind in sorted({kind for kind, supers in hierarchy.items() if constraint.target in supers} | {constraint.target}))
    focus = {row["node"] for row in reader.query(f"SELECT DISTINCT ?node WHERE {{ VALUES ?kind {{ {kinds} }} ?node a ?kind }}",
                                                   use_default_graph_as_union=True)}
    found = {row["this"] for row in reader.query(constraint.select, use_default_graph_as_union=True)} & focus
    return [{"focus": _label_in(reader, node), "path": "", "message": constraint.message, "node": node.value} for node in sorted(found, key=str)]


def _label_in(reader: ox.Store, node) -> str:
    """What :func:`_label` shows for ``node`` (an Oxigraph term), read from the store."""
    for predicate in _LABELS:
        for quad in reader.quads_for_pattern(node, ox.NamedNode(str(predicate)), None, None):
            return quad.object.value
    return node.value


def for_reasoner(graph: rdflib.Graph) -> rdflib.Graph:
    """Return a copy an OWL 2 reasoner accepts: xsd:date is no OWL 2 datatype, so dates become plain strings."""
    date = rdflib.URIRef("http://www.w3.org/2001/XMLSchema#date")
    out = rdflib.Graph()
    for subject, predicate, obj in graph:
        if isinstance(obj, rdflib.Literal) and obj.datatype == date:
            obj = rdflib.Literal(str(obj))
        out.add((subject, predicate, obj))
    return out
