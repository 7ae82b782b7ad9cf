"""Network analytics for analysts: most-cited regulations, brokers between agencies, communities."""

from __future__ import annotations

import networkx as nx

from policykg.results import Table

_KEEP = ("label", "group", "relation", "weight")


def most_cited(citations: nx.MultiDiGraph, top: int = 20) -> Table:
    """Regulations by the number of work items that cite them, and by how many documents do."""
    rows = []
    for node, data in citations.nodes(data=True):
        incoming = list(citations.in_edges(node, data=True))
        if incoming and data["group"] in ("document", "work"):
            rows.append({"regulation": data["label"], "citing_items": sum(edge["weight"] for _, _, edge in incoming),
                         "citing_documents": len({source for source, _, _ in incoming}),
                         "relations": ", ".join(sorted({edge["relation"] for _, _, edge in incoming}))})
    rows.sort(key=lambda row: (-row["citing_items"], row["regulation"]))
    return Table(["regulation", "citing_items", "citing_documents", "relations"], rows[:top])


def brokers(agencies: nx.MultiDiGraph, top: int = 20) -> Table:
    """Agencies by betweenness in the cooperation network: who links bodies that do not work together."""
    simple = nx.Graph(agencies)
    centrality = nx.betweenness_centrality(simple, normalized=True) if simple.number_of_nodes() > 2 else {node: 0.0 for node in simple}
    rows = [{"agency": agencies.nodes[node]["label"], "betweenness": round(value, 4), "partners": simple.degree(node),
             "workload": agencies.nodes[node].get("workload", 0)} for node, value in centrality.items()]
    rows.sort(key=lambda row: (-row["betweenness"], -row["workload"], row["agency"]))
    return Table(["agency", "betweenness", "partners", "workload"], rows[:top])


def communities(graph: nx.MultiDiGraph, top: int = 20) -> Table:
    """Louvain communities of the graph, largest first, with their best-connected members."""
    simple = nx.Graph(graph)
    found = sorted(nx.community.louvain_communities(simple, seed=7), key=len, reverse=True) if simple.number_of_edges() else []
    rows = []
    for number, members in enumerate(found[:top], 1):
        central = sorted(members, key=lambda node: (-simple.degree(node), graph.nodes[node]["label"]))[:5]
        rows.append({"community": number, "size": len(members), "members": "、".join(graph.nodes[node]["label"] for node in central)})
    return Table(["community", "size", "members"], rows)


def components(graph: nx.MultiDiGraph) -> Table:
    """Connected components by size: how fragmented the graph is."""
    sizes = sorted((len(part) for part in nx.connected_components(nx.Graph(graph))), reverse=True)
    return Table(["components", "largest", "isolated_nodes"], [{"components": len(sizes), "largest": sizes[0] if sizes else 0, "isolated_nodes": sizes.count(1)}])


def for_export(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Return a copy that GraphML and GEXF can hold: labels, classes, relations and weights only."""
    out = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        out.add_node(node, label=data["label"], group=data["group"])
    for source, target, data in graph.edges(data=True):
        out.add_edge(source, target, relation=data["relation"], weight=int(data.get("weight", 1)))
    return out
