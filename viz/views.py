"""The views of the network page, each a networkx model built from the store.

Every node carries ``label`` and ``group`` (its class: source, document, work, agency,
program, measure, section, item, indicator); every edge ``relation``, ``weight`` (how many
work items stand behind it) and ``example`` (one sentence). Tests assert on these models.
"""

from __future__ import annotations

import networkx as nx
import pyoxigraph as ox

from policykg.results import run_kept as run  # answers kept with the generation
from policykg.store import KnowledgeStore
from policykg.viz import VIEWS  # noqa: F401  (the names, for callers of this module)

_PREFIX = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


class ViewError(ValueError):
    """A view that cannot be drawn as asked; the message says why."""


def _area_filter(area: str | None, item: str = "?via") -> str:
    if not area:
        return ""
    return f'VALUES ?wantedArea {{ {ox.Literal(area, language="zh")} }} {item} pkg:policyArea ?concept . ?concept skos:prefLabel|skos:broader/skos:prefLabel ?wantedArea .'


def _nodes(graph: nx.MultiDiGraph, store: KnowledgeStore, query: str) -> None:
    for row in run(store, _PREFIX + query).rows:
        graph.add_node(row["node"], label=row["label"], group=row["group"])


def _edges(graph: nx.MultiDiGraph, store: KnowledgeStore, query: str) -> None:
    for row in run(store, _PREFIX + query).rows:
        if row["from"] in graph and row["to"] in graph:
            graph.add_edge(row["from"], row["to"], relation=row["relation"], weight=row["weight"], example=row.get("example") or "")


def _documents(graph: nx.MultiDiGraph, store: KnowledgeStore) -> None:
    # The documents that are not built are found class by class inside each graph and taken out
    # of the built ones by an anti-join; only then are their labels looked up. (A NOT EXISTS per
    # document over the union of graphs took 39 s at 1,000 documents; this takes 0.6 s, same rows.)
    _nodes(graph, store, """SELECT DISTINCT ?node ?label ?group WHERE {
      { ?node pkg:sourceHash ?hash ; rdfs:label ?label . BIND("source" AS ?group) }
      UNION { { SELECT DISTINCT ?node WHERE { GRAPH ?g { ?node a pkg:PolicyDocument } MINUS { GRAPH ?h { ?node pkg:sourceHash ?hash } } } }
              ?node rdfs:label ?label . BIND("document" AS ?group) }
      UNION { ?node a pkg:CreativeWork ; rdfs:label ?label . BIND("work" AS ?group) } }""")


_CITES = """SELECT ?from ?to ?relation (COUNT(DISTINCT ?via) AS ?weight) (SAMPLE(?text) AS ?example) WHERE {
  ?via pkg:qualifiedCitation ?citation . ?citation pkg:citedDocument ?to ; pkg:relation ?relation .
  OPTIONAL { ?via pkg:isPartOf ?part } BIND(COALESCE(?part, ?via) AS ?from)
  OPTIONAL { ?via pkg:sourceText ?text } AREA } GROUP BY ?from ?to ?relation"""


def overview(store: KnowledgeStore, area: str | None = None) -> nx.MultiDiGraph:
    """Documents, the documents they cite, agencies and programs, with the relations between them."""
    graph = nx.MultiDiGraph()
    _documents(graph, store)
    _nodes(graph, store, """SELECT DISTINCT ?node ?label ?group WHERE {
      { { SELECT DISTINCT ?node WHERE { GRAPH ?g { ?node a pkg:Agency } } } ?node rdfs:label ?label . BIND("agency" AS ?group) }
      UNION { { SELECT DISTINCT ?node WHERE { GRAPH ?g { ?node a pkg:Program } } } ?node rdfs:label ?label . BIND("program" AS ?group) } }""")
    area_filter = _area_filter(area)
    _edges(graph, store, _CITES.replace("AREA", area_filter))
    _edges(graph, store, f"""SELECT ?from ?to ?relation (COUNT(DISTINCT ?via) AS ?weight) (SAMPLE(?text) AS ?example) WHERE {{
      {{ ?from pkg:hasPart ?to . ?to a pkg:PolicyDocument . BIND("hasPart" AS ?relation) BIND(?to AS ?via) }}
      UNION {{ ?from pkg:issuedBy ?to . BIND("issuedBy" AS ?relation) BIND(?from AS ?via) }}
      UNION {{ ?via pkg:leadAgency ?from ; pkg:isPartOf ?to ; pkg:sourceText ?text . FILTER NOT EXISTS {{ ?via pkg:implicitLeadAgency ?from }} BIND("lead" AS ?relation) {area_filter} }}
      UNION {{ ?via pkg:partnerAgency ?from ; pkg:isPartOf ?to ; pkg:sourceText ?text . BIND("partner" AS ?relation) {area_filter} }}
      UNION {{ ?via pkg:involvesProgram ?to ; pkg:isPartOf ?from ; pkg:sourceText ?text . BIND("involves" AS ?relation) {area_filter} }}
      UNION {{ ?via pkg:mentionsAgency ?to ; pkg:isPartOf ?from ; pkg:sourceText ?text . BIND("mentionsAgency" AS ?relation) {area_filter} }}
    }} GROUP BY ?from ?to ?relation""")
    if area:  # only what the area's work items touch, and the documents holding them
        graph.remove_nodes_from([node for node, degree in dict(graph.degree()).items() if degree == 0])
    return graph


def citations(store: KnowledgeStore, area: str | None = None) -> nx.MultiDiGraph:
    """Citing documents → cited documents, one edge per relation, weighted by the work items that cite."""
    graph = nx.MultiDiGraph()
    _documents(graph, store)
    _edges(graph, store, _CITES.replace("AREA", _area_filter(area)))
    graph.remove_nodes_from([node for node, degree in dict(graph.degree()).items() if degree == 0])
    return graph


def agencies(store: KnowledgeStore, area: str | None = None) -> nx.MultiDiGraph:
    """Agencies linked by the work items they share (lead and partner), sized by their workload."""
    graph = nx.MultiDiGraph()
    area_filter = _area_filter(area)
    for row in run(store, _PREFIX + f"""SELECT ?node (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?via) AS ?workload) WHERE {{
        {{ ?via pkg:leadAgency ?node }} UNION {{ ?via pkg:partnerAgency ?node }} {area_filter} ?node pkg:canonicalName ?name }} GROUP BY ?node""").rows:
        graph.add_node(row["node"], label=row["label"], group="agency", workload=row["workload"])
    _edges(graph, store, f"""SELECT ?from ?to ("works with" AS ?relation) (COUNT(DISTINCT ?via) AS ?weight) (SAMPLE(?text) AS ?example) WHERE {{
        ?via pkg:leadAgency ?from ; pkg:partnerAgency ?to ; pkg:sourceText ?text . FILTER(?from != ?to) {area_filter} }} GROUP BY ?from ?to""")
    return graph


def programs(store: KnowledgeStore, area: str | None = None) -> nx.MultiDiGraph:
    """Documents and the programs their work items involve."""
    graph = nx.MultiDiGraph()
    area_filter = _area_filter(area)
    _nodes(graph, store, f"""SELECT DISTINCT ?node ?label ?group WHERE {{
      {{ {{ SELECT DISTINCT ?node WHERE {{ ?via pkg:involvesProgram ?node . {area_filter} }} }} ?node rdfs:label ?label . BIND("program" AS ?group) }}
      UNION {{ {{ SELECT DISTINCT ?node WHERE {{ ?via pkg:involvesProgram ?program ; pkg:isPartOf ?node . {area_filter} }} }}
               ?node rdfs:label ?label . BIND("document" AS ?group) }} }}""")  # the few nodes first, then their labels
    _edges(graph, store, f"""SELECT ?from ?to ("involves" AS ?relation) (COUNT(DISTINCT ?via) AS ?weight) (SAMPLE(?text) AS ?example) WHERE {{
      ?via pkg:involvesProgram ?to ; pkg:isPartOf ?from ; pkg:sourceText ?text . {area_filter} }} GROUP BY ?from ?to""")
    return graph


def indicators(store: KnowledgeStore, area: str | None = None) -> nx.MultiDiGraph:
    """Documents and the measures they set targets for or report results of."""
    graph = nx.MultiDiGraph()
    area_filter = _area_filter(area)
    _nodes(graph, store, f"""SELECT DISTINCT ?node ?label ?group WHERE {{
      {{ ?via pkg:hasIndicator/pkg:ofMeasure ?node . ?node rdfs:label ?label . BIND("measure" AS ?group) {area_filter} }}
      UNION {{ ?via pkg:hasIndicator/pkg:ofMeasure ?measure ; pkg:isPartOf ?node . ?node rdfs:label ?label . BIND("document" AS ?group) {area_filter} }} }}""")
    _edges(graph, store, f"""SELECT ?from ?to ?relation (COUNT(DISTINCT ?indicator) AS ?weight) (SAMPLE(?text) AS ?example) WHERE {{
      ?via pkg:hasIndicator ?indicator ; pkg:isPartOf ?from ; pkg:sourceText ?text . ?indicator pkg:ofMeasure ?to ; pkg:kind ?relation . {area_filter}
    }} GROUP BY ?from ?to ?relation""")
    return graph


def document(store: KnowledgeStore, focus: str) -> nx.MultiDiGraph:
    """One document: its sections and work items, the documents they cite and the indicators they state."""
    base = nx.MultiDiGraph()
    _documents(base, store)
    node = find(base, focus, groups=("source", "document"))
    graph = nx.MultiDiGraph()
    values = f"VALUES ?root {{ {ox.NamedNode(node)} }}"
    for row in run(store, _PREFIX + f"""SELECT DISTINCT ?from ?to ?relation ?fromLabel ?toLabel ?fromGroup ?toGroup WHERE {{
        {values}
        {{ ?from pkg:isPartOf ?root ; rdfs:label ?fromLabel . ?to pkg:hasPart ?from . OPTIONAL {{ ?to rdfs:label ?l0 }} BIND(COALESCE(?l0, "") AS ?toLabel) BIND("hasPart" AS ?relation)
           BIND(IF(EXISTS {{ ?from a pkg:Section }}, "section", "item") AS ?fromGroup) BIND(IF(EXISTS {{ ?to a pkg:Section }}, "section", "document") AS ?toGroup) }}
        UNION {{ ?from pkg:isPartOf ?root ; rdfs:label ?fromLabel ; pkg:qualifiedCitation ?c . ?c pkg:citedDocument ?to ; pkg:relation ?relation . ?to rdfs:label ?toLabel .
           BIND("item" AS ?fromGroup) BIND("document" AS ?toGroup) }}
        UNION {{ ?from pkg:isPartOf ?root ; rdfs:label ?fromLabel ; pkg:hasIndicator ?to . ?to rdfs:label ?toLabel . BIND("hasIndicator" AS ?relation)
           BIND("item" AS ?fromGroup) BIND("indicator" AS ?toGroup) }}
      }}""").rows:
        graph.add_node(row["from"], label=row["fromLabel"], group=row["fromGroup"])
        if row["to"] not in graph:
            graph.add_node(row["to"], label=row["toLabel"] or base.nodes.get(row["to"], {}).get("label", ""), group=row["toGroup"])
        graph.add_edge(row["to"] if row["relation"] == "hasPart" else row["from"], row["from"] if row["relation"] == "hasPart" else row["to"],
                       relation=row["relation"], weight=1, example="")
    if node in graph:
        graph.nodes[node]["group"] = base.nodes[node]["group"]
    return graph


def ego(store: KnowledgeStore, focus: str, depth: int = 1) -> nx.MultiDiGraph:
    """Everything within ``depth`` steps of one entity in the overview."""
    base = overview(store)
    node = find(base, focus)
    keep = nx.ego_graph(base.to_undirected(as_view=True), node, radius=depth)
    return base.subgraph(keep.nodes).copy()


def find(graph: nx.MultiDiGraph, focus: str, groups: tuple[str, ...] = ()) -> str:
    """Return the node whose label is ``focus``, or the one label that contains it; else say which match."""
    candidates = [(node, data["label"]) for node, data in graph.nodes(data=True) if not groups or data["group"] in groups]
    exact = [node for node, label in candidates if label == focus]
    if len(exact) == 1:
        return exact[0]
    partial = sorted({label: node for node, label in candidates if focus in label}.items())
    if len(partial) == 1:
        return partial[0][1]
    if not partial:
        raise ViewError(f"nothing in the graph is called {focus!r}")
    listed = "; ".join(label for label, _ in partial[:10])
    raise ViewError(f"{focus!r} matches {len(partial)} nodes: {listed} — give more of the name")


def view(store: KnowledgeStore, name: str, focus: str | None = None, depth: int = 1, area: str | None = None) -> nx.MultiDiGraph:
    """Return the named view's model."""
    if name in ("document", "ego") and not focus:
        raise ViewError(f"the {name} view needs --focus TITLE-OR-NAME")
    if name == "document":
        return document(store, focus)
    if name == "ego":
        return ego(store, focus, depth)
    return {"overview": overview, "citations": citations, "agencies": agencies, "programs": programs, "indicators": indicators}[name](store, area)
