"""Draw the knowledge graph as an interactive network page that needs no network.

The overview shows documents, the documents they cite, agencies and programs. Edges are
aggregated from work items: a plan that cites a regulation in five sentences has one edge
of width five. pyvis holds the nodes and options; the page is rendered with our own
template, which inlines vis-network (shipped inside pyvis) and links nothing external.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from jinja2 import ChoiceLoader, Environment, FileSystemLoader
import pyvis
from pyvis.network import Network

from policykg.results import run
from policykg.store import KnowledgeStore

TEMPLATES = Path(__file__).parent / "templates"
PHYSICS_LIMIT = 300  # above this many nodes, lay out in Python and switch physics off

CLASSES = {
    "source": ("源文件 source document", "#1f6feb", "box"),
    "document": ("政策文件 document", "#2da44e", "dot"),
    "agency": ("主管单位 agency", "#bf8700", "diamond"),
    "program": ("项目 program", "#8250df", "triangle"),
}
RELATION_COLORS = {
    "issues": "#2da44e", "amends": "#cf222e", "drafts": "#0969da", "implements": "#bf8700",
    "basedOn": "#9a6700", "mentions": "#8c959f", "hasPart": "#57606a", "issuedBy": "#57606a",
    "lead": "#bf8700", "partner": "#d4a72c", "involves": "#8250df", "mentionsAgency": "#d0d7de",
}

_PREFIX = "PREFIX pkg: <https://w3id.org/policykg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
_NODES = _PREFIX + """
SELECT ?node ?label ?group WHERE {
  { ?node pkg:sourceHash ?hash ; rdfs:label ?label . BIND("source" AS ?group) }
  UNION { ?node a pkg:PolicyDocument ; rdfs:label ?label . FILTER NOT EXISTS { ?node pkg:sourceHash ?h } BIND("document" AS ?group) }
  UNION { ?node a pkg:Agency ; rdfs:label ?label . BIND("agency" AS ?group) }
  UNION { ?node a pkg:Program ; rdfs:label ?label . BIND("program" AS ?group) }
}"""
_EDGES = _PREFIX + """
SELECT ?from ?to ?relation (COUNT(DISTINCT ?via) AS ?weight) (SAMPLE(?text) AS ?example) WHERE {
  {
    ?via pkg:qualifiedCitation ?citation .
    ?citation pkg:citedDocument ?to ; pkg:relation ?relation .
    OPTIONAL { ?via pkg:isPartOf ?part }
    BIND(COALESCE(?part, ?via) AS ?from)
    OPTIONAL { ?via pkg:sourceText ?text }
  } UNION {
    ?from pkg:hasPart ?to . ?to a pkg:PolicyDocument . BIND("hasPart" AS ?relation) BIND(?to AS ?via)
  } UNION {
    ?from pkg:issuedBy ?to . BIND("issuedBy" AS ?relation) BIND(?from AS ?via)
  } UNION {
    ?via pkg:leadAgency ?from ; pkg:isPartOf ?to ; pkg:sourceText ?text .
    FILTER NOT EXISTS { ?via pkg:implicitLeadAgency ?from }
    BIND("lead" AS ?relation)
  } UNION {
    ?via pkg:partnerAgency ?from ; pkg:isPartOf ?to ; pkg:sourceText ?text . BIND("partner" AS ?relation)
  } UNION {
    ?via pkg:involvesProgram ?to ; pkg:isPartOf ?from ; pkg:sourceText ?text . BIND("involves" AS ?relation)
  } UNION {
    ?via pkg:mentionsAgency ?to ; pkg:isPartOf ?from ; pkg:sourceText ?text . BIND("mentionsAgency" AS ?relation)
  }
} GROUP BY ?from ?to ?relation"""


@dataclass(frozen=True)
class Drawing:
    nodes: int
    edges: int
    physics: bool


def overview(store: KnowledgeStore) -> nx.MultiDiGraph:
    """Return the overview network: documents, cited documents, agencies and programs."""
    graph = nx.MultiDiGraph()
    for row in run(store, _NODES).rows:
        graph.add_node(row["node"], label=row["label"], group=row["group"])
    for row in run(store, _EDGES).rows:
        if row["from"] in graph and row["to"] in graph:
            graph.add_edge(row["from"], row["to"], relation=row["relation"], weight=row["weight"], example=row["example"] or "")
    return graph


def _tooltip(graph: nx.MultiDiGraph, node: str) -> str:
    data = graph.nodes[node]
    label, kind = data["label"], CLASSES[data["group"]][0]
    lines = [label, kind, f"{graph.in_degree(node)} in · {graph.out_degree(node)} out"]
    examples = [edge["example"] for _, _, edge in graph.in_edges(node, data=True) if edge.get("example")][:3]
    lines += [f"“{example[:80]}”" for example in examples]
    return "\n".join(lines)


def draw(graph: nx.MultiDiGraph, output: str | Path, heading: str = "policykg") -> Drawing:
    """Write the network page of ``graph`` to ``output`` (UTF-8, no external resources)."""
    physics = graph.number_of_nodes() <= PHYSICS_LIMIT
    positions = {} if physics else nx.spring_layout(nx.Graph(graph), seed=7, iterations=30, scale=1000 * math.sqrt(graph.number_of_nodes() / 100))
    degree = dict(graph.degree())
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    for node, data in graph.nodes(data=True):
        label, color, shape = CLASSES[data["group"]]
        item = {
            "id": node, "label": data["label"] if len(data["label"]) <= 24 else data["label"][:23] + "…", "fullLabel": data["label"],
            "title": _tooltip(graph, node), "group": data["group"], "kind": label, "color": color, "shape": shape,
            "size": 8 + 3 * math.sqrt(degree.get(node, 0)), "font": {"size": 12},
        }
        if node in positions:
            item["x"], item["y"] = (float(value) for value in positions[node])
        net.nodes.append(item)  # direct fill: pyvis's add_node/add_edge scan every element
    for source, target, data in graph.edges(data=True):
        net.edges.append({
            "from": source, "to": target, "label": data["relation"] if data["relation"] not in ("hasPart", "issuedBy", "mentionsAgency") else "",
            "title": f"{data['relation']} ×{data['weight']}", "width": 1 + math.log2(data["weight"]),
            "color": RELATION_COLORS.get(data["relation"], "#8c959f"), "arrows": "to", "font": {"size": 9, "align": "middle"},
        })
    options = {
        "physics": {"enabled": physics, "solver": "forceAtlas2Based", "stabilization": {"enabled": physics, "iterations": 300, "fit": True}},
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
        "edges": {"smooth": False},
        "layout": {"improvedLayout": physics},
        # vis-network colours a node by its group: give each group the legend's colour and shape
        "groups": {group: {"color": color, "shape": shape} for group, (_, color, shape) in CLASSES.items()},
    }
    net.options = options
    net.heading = heading
    # our template, which may include the vis-network script that pyvis ships with
    net.templateEnv = Environment(loader=ChoiceLoader([FileSystemLoader(TEMPLATES), FileSystemLoader(Path(pyvis.__file__).parent / "templates")]), autoescape=True)
    net.path = "network.html"
    Path(output).write_text(net.generate_html(), encoding="utf-8")
    return Drawing(len(net.nodes), len(net.edges), physics)
