"""The network page: self-contained, UTF-8, counts that match the graph, document text shown as text."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from policykg.build import build
from policykg.store import KnowledgeStore
from policykg.viz.network import Drawing, draw, overview

from support import ESCAPE_DOCUMENT


# any reference to a resource on the network: http://, https:// or protocol-relative //
_REMOTE = r"""\s*["']?\s*(?:https?:)?//"""
EXTERNAL = {
    "script src": re.compile(r"<script\b[^>]*\bsrc\s*=" + _REMOTE, re.IGNORECASE),
    "link href": re.compile(r"<link\b[^>]*\bhref\s*=" + _REMOTE, re.IGNORECASE),
    "@import": re.compile(r"@import\s*(?:url\s*\()?" + _REMOTE, re.IGNORECASE),
    "url(http": re.compile(r"url\s*\(" + _REMOTE, re.IGNORECASE),
}
_DATASET = re.compile(r"new vis\.DataSet\(")

MARKUP = ("<script>alert(1)", "<img src=x", "<b>粗体")


def datasets(page: str) -> tuple[list[dict], list[dict]]:
    """Parse the node and edge JSON out of the page's two ``new vis.DataSet(…)`` calls."""
    decoder = json.JSONDecoder()
    found = []
    for match in _DATASET.finditer(page):
        value, end = decoder.raw_decode(page, match.end())
        assert page[end] == ")", f"the DataSet argument at {match.end()} is not one JSON value"
        found.append(value)
    assert len(found) == 2, f"expected the nodes and edges DataSets, found {len(found)}"
    nodes, edges = found
    assert all("id" in node for node in nodes) and all("from" in edge and "to" in edge for edge in edges)
    return nodes, edges


@pytest.fixture(scope="module")
def seed_page(seed_store, tmp_path_factory) -> tuple[Drawing, Path]:
    output = tmp_path_factory.mktemp("viz-page") / "graph.html"
    drawing = draw(overview(seed_store), output, "policykg — 上海")
    return drawing, output


def test_page_is_utf8_and_links_nothing_external(seed_page):
    _, output = seed_page
    page = output.read_bytes().decode("utf-8", errors="strict")
    assert '<meta charset="utf-8">' in page
    assert "<h1>policykg — 上海</h1>" in page  # the heading is written as UTF-8 characters
    assert "政策文件 document" in page  # and so is the legend (the node JSON holds \u escapes)
    for name, pattern in EXTERNAL.items():
        hits = [page[max(0, match.start() - 40): match.end() + 40] for match in pattern.finditer(page)]
        assert hits == [], f"external {name} reference(s): {hits}"


def test_counts_match_overview_and_embedded_json(seed_store, seed_page):
    drawing, output = seed_page
    graph = overview(seed_store)
    nodes, edges = datasets(output.read_bytes().decode("utf-8"))
    assert graph.number_of_nodes() > 0 and graph.number_of_edges() > 0
    assert drawing.nodes == graph.number_of_nodes() == len(nodes)
    assert drawing.edges == graph.number_of_edges() == len(edges)
    assert {node["id"] for node in nodes} == set(graph.nodes)
    assert len({node["id"] for node in nodes}) == len(nodes)
    assert all(edge["from"] in graph and edge["to"] in graph for edge in edges)


def test_document_text_is_escaped_but_kept_as_text(tmp_path):
    document = tmp_path / "escape.txt"
    document.write_text(ESCAPE_DOCUMENT, encoding="utf-8")
    store = KnowledgeStore(tmp_path / "kg")
    build([document], store)
    output = tmp_path / "escape.html"
    drawing = draw(overview(store), output)
    page = output.read_bytes().decode("utf-8", errors="strict")

    for markup in MARKUP:
        assert markup not in page, f"{markup!r} reached the page as markup"
    assert "\\u003cscript\\u003ealert(1)" in page  # what tojson writes instead

    nodes, edges = datasets(page)
    assert (drawing.nodes, drawing.edges) == (len(nodes), len(edges))
    shown = [f"{node['label']}\n{node['title']}" for node in nodes]
    for markup in MARKUP:
        assert any(markup in text for text in shown), f"{markup!r} lost from the node labels and tooltips"
    labels = {node["title"].split("\n")[0] for node in nodes}  # a tooltip starts with the full label
    # the cited titles and the program are nodes of their own, their markup-like text intact
    assert any("alert(1)</script>管理办法" in label for label in labels), labels
    assert any("alert(2)>条例" in label for label in labels), labels
    assert any("粗体</b>行动" in label for label in labels), labels
    assert "测试工作要点" in labels


def test_viz_writes_utf8_when_the_locale_is_not(seed_store, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "PYTHON"))}
    env.update(PYTHONIOENCODING="latin-1", LANG="C", LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    probe = subprocess.run(
        [sys.executable, "-c", "import locale, sys; print(locale.getpreferredencoding(False), sys.flags.utf8_mode)"],
        env=env, capture_output=True, text=True, check=True,
    )
    encoding, utf8_mode = probe.stdout.split()
    assert encoding.lower().replace("-", "") != "utf8" and utf8_mode == "0", probe.stdout  # the test means something

    output = tmp_path / "graph.html"
    result = subprocess.run(
        [sys.executable, "-m", "policykg", "viz", "-o", str(output), "--store", str(seed_store.path)],
        env=env, cwd=tmp_path, capture_output=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode("latin-1")
    assert re.match(rb"wrote .*: \d+ nodes, \d+ edges", result.stdout), result.stdout
    page = output.read_bytes().decode("utf-8", errors="strict")
    assert "<h1>policykg — 政策知识图谱</h1>" in page  # the default heading, written from a non-UTF-8 process
    nodes, _ = datasets(page)
    assert any(node["label"].startswith("上海") for node in nodes)
    assert "上海市民政局" in {node["label"] for node in nodes}


def test_a_chinese_title_given_in_a_c_locale_is_written_as_chinese(seed_store, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "PYTHON"))}
    env.update(LANG="C", LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    output = tmp_path / "graph.html"
    result = subprocess.run(
        [sys.executable, "-m", "policykg", "viz", "-o", str(output), "--title", "上海 图谱", "--store", str(seed_store.path)],
        env=env, cwd=tmp_path, capture_output=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "<h1>上海 图谱</h1>" in output.read_text(encoding="utf-8")


def _synthetic(size: int, target):
    import networkx as nx

    graph = nx.MultiDiGraph()
    for index in range(size):
        graph.add_node(f"n{index}", label=f"节点{index}", group="document")
        if index:
            graph.add_edge(f"n{index}", f"n{target(index)}", relation="cites", weight=1, example="")
    return graph


def test_a_graph_past_the_physics_limit_is_laid_out_in_python(tmp_path):
    from policykg.viz.network import PHYSICS_LIMIT

    graph = _synthetic(PHYSICS_LIMIT + 100, lambda index: index // 2)
    drawing = draw(graph, tmp_path / "big.html", "big")
    nodes, _ = datasets((tmp_path / "big.html").read_text(encoding="utf-8"))
    assert not drawing.physics and all("x" in node and "y" in node for node in nodes)


def test_a_large_graph_is_laid_out_by_communities_in_linear_time(tmp_path):
    from policykg.viz.network import SPRING_LIMIT, layout

    graph = _synthetic(SPRING_LIMIT + 500, lambda index: index % 37)
    positions = layout(graph)
    assert set(positions) == set(graph) and len(set(positions.values())) == graph.number_of_nodes()
