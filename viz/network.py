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
SPRING_LIMIT = 499  # spring layout stays dense (numpy) below 500 nodes and grows with the square: above, communities on spirals

CLASSES = {
    "source": ("源文件 source document", "#1f6feb", "box"),
    "document": ("政策文件 document", "#2da44e", "dot"),
    "work": ("作品 creative work", "#8c959f", "dot"),
    "agency": ("主管单位 agency", "#bf8700", "diamond"),
    "program": ("项目 program", "#8250df", "triangle"),
    "measure": ("计量对象 measure", "#0969da", "square"),
    "section": ("章节 section", "#57606a", "box"),
    "item": ("工作事项 work item", "#d0d7de", "dot"),
    "indicator": ("指标 indicator", "#0969da", "dot"),
}
RELATION_COLORS = {
    "issues": "#2da44e", "amends": "#cf222e", "drafts": "#0969da", "implements": "#bf8700",
    "basedOn": "#9a6700", "mentions": "#8c959f", "hasPart": "#57606a", "issuedBy": "#57606a",
    "lead": "#bf8700", "partner": "#d4a72c", "involves": "#8250df", "mentionsAgency": "#d0d7de",
    "works with": "#d4a72c", "target": "#0969da", "actual": "#2da44e", "hasIndicator": "#0969da",
}


@dataclass(frozen=True)
class Drawing:
    nodes: int
    edges: int
    physics: bool


def overview(store: KnowledgeStore) -> nx.MultiDiGraph:
    """The overview model (kept here for callers of the first version)."""
    from policykg.viz.views import overview as build

    return build(store)


def sizes(graph: nx.MultiDiGraph, measure: str = "degree") -> dict[str, float]:
    """Return each node's size measure: its degree, its PageRank, or the workload an agency view records."""
    if measure == "pagerank" and graph.number_of_edges():
        ranks = nx.pagerank(nx.DiGraph(graph), weight=None)
        top = max(ranks.values())
        return {node: 50 * rank / top for node, rank in ranks.items()}
    return {node: data.get("workload", graph.degree(node)) for node, data in graph.nodes(data=True)}


def layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Return positions for a graph too large for physics in the browser.

    Up to SPRING_LIMIT nodes: networkx's spring layout with bounded iterations. Beyond: its
    Louvain communities, each laid out on a spiral, the spirals on a larger spiral — linear in
    the number of nodes, so 20,000 nodes take seconds, not hours.
    """
    simple = nx.Graph(graph)
    scale = 1000 * math.sqrt(graph.number_of_nodes() / 100)
    if graph.number_of_nodes() <= SPRING_LIMIT:
        return {node: tuple(map(float, xy)) for node, xy in nx.spring_layout(simple, seed=7, iterations=30, scale=scale).items()}
    communities = sorted(nx.community.louvain_communities(simple, seed=7), key=len, reverse=True)
    positions, golden = {}, math.pi * (3 - math.sqrt(5))
    centre_radius = 0.0
    for number, members in enumerate(communities):
        centre_radius = 60 * math.sqrt(number) * math.sqrt(len(members)) if number else 0.0
        cx, cy = centre_radius * math.cos(number * golden), centre_radius * math.sin(number * golden)
        ordered = sorted(members, key=lambda node: -simple.degree(node))
        for index, node in enumerate(ordered):
            radius = 12 * math.sqrt(index)
            positions[node] = (cx + radius * math.cos(index * golden), cy + radius * math.sin(index * golden))
    return positions


def _tooltip(graph: nx.MultiDiGraph, node: str) -> str:
    data = graph.nodes[node]
    label, kind = data["label"], CLASSES[data["group"]][0]
    lines = [label, kind, f"{graph.in_degree(node)} in · {graph.out_degree(node)} out"]
    examples = [edge["example"] for _, _, edge in graph.in_edges(node, data=True) if edge.get("example")][:3]
    lines += [f"“{example[:80]}”" for example in examples]
    return "\n".join(lines)


def draw(graph: nx.MultiDiGraph, output: str | Path, heading: str = "policykg", size: str = "degree") -> Drawing:
    """Write the network page of ``graph`` to ``output`` (UTF-8, no external resources)."""
    physics = graph.number_of_nodes() <= PHYSICS_LIMIT
    positions = {} if physics else layout(graph)
    degree = sizes(graph, size)
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    for node, data in graph.nodes(data=True):
        label, color, shape = CLASSES[data["group"]]
        item = {
            "id": node, "label": data["label"] if len(data["label"]) <= 24 else data["label"][:23] + "…", "fullLabel": data["label"],
            "title": _tooltip(graph, node), "group": data["group"], "kind": label, "color": color, "shape": shape,
            "size": 8 + 3 * math.sqrt(degree.get(node, 0)), "font": {"size": 12}, "iri": node,
        }
        if node in positions:
            item["x"], item["y"] = (float(value) for value in positions[node])
        net.nodes.append(item)  # direct fill: pyvis's add_node/add_edge scan every element
    for source, target, data in graph.edges(data=True):
        net.edges.append({
            "from": source, "to": target, "label": data["relation"] if data["relation"] not in ("hasPart", "issuedBy", "mentionsAgency") else "",
            "title": f"{data['relation']} ×{data['weight']}", "width": 1 + math.log2(data["weight"]),
            "color": RELATION_COLORS.get(data["relation"], "#8c959f"), "arrows": "to", "font": {"size": 9, "align": "middle"},
            "relation": data["relation"],
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
