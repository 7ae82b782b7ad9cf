"""The network page in a real browser: headless Chromium, opened from disk, with no network.

Uses Debian's chromium through Playwright (never a browser Playwright downloads). The page
is built from the three example documents; one page load is shared by the tests below.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg.build import build
from policykg.store import KnowledgeStore
from policykg.viz.network import draw, overview

from support import DOCUMENTS, ESCAPE_DOCUMENT

SCREENSHOT = Path("/tmp/policykg-graph.png")
AGENCY = "上海市民政局"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A store of the three example documents, its overview graph and the page drawn from it."""
    folder = tmp_path_factory.mktemp("browser")
    store = KnowledgeStore(folder / "kg")
    build([DOCUMENTS], store)
    graph = overview(store)
    page_file = folder / "graph.html"
    draw(graph, page_file, "policykg — 政策知识图谱")
    return graph, page_file


class Visit:
    """A page opened from disk, with every request, console error and page error it caused."""

    def __init__(self, browser, page_file: Path):
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1600, "height": 1000}, device_scale_factor=1)
        self.page = page = self.context.new_page()
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: self.errors.append(f"console: {message.text}") if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(page_file.as_uri(), wait_until="load")

    def wait_until_drawn(self) -> None:
        canvas = self.page.locator("#mynetwork canvas")
        canvas.wait_for(state="attached", timeout=10_000)
        self.page.wait_for_function(
            "() => { const c = document.querySelector('#mynetwork canvas'); return c && c.width > 0 && c.height > 0 }",
            timeout=10_000,
        )
        box = canvas.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, box

    def wait_until_still(self, timeout: float = 10.0) -> None:
        """Wait until no node moves between two looks 250 ms apart (physics has settled)."""
        self.page.wait_for_function(
            """() => new Promise(done => {
                const before = JSON.stringify(network.getPositions());
                setTimeout(() => done(JSON.stringify(network.getPositions()) === before), 250);
            })""",
            timeout=timeout * 1000, polling=100,
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def visit(browser, corpus):
    _, page_file = corpus
    visit = Visit(browser, page_file)
    visit.wait_until_drawn()
    # let physics stabilise (the page then switches it off) before the picture
    visit.page.wait_for_timeout(3_000)
    visit.page.screenshot(path=str(SCREENSHOT))
    yield visit
    visit.close()


def test_page_makes_no_network_requests(visit, corpus):
    _, page_file = corpus
    assert page_file.as_uri() in visit.requests
    remote = [url for url in visit.requests if not url.startswith(("file:", "data:"))]
    assert remote == []


def test_page_has_no_console_or_page_errors(visit):
    assert visit.errors == []
    assert visit.dialogs == []


def test_network_is_drawn_with_every_node_and_edge(visit, corpus):
    graph, _ = corpus
    drawn = visit.page.evaluate("() => [nodes.length, edges.length]")
    assert drawn == [graph.number_of_nodes(), graph.number_of_edges()]
    positions = visit.page.evaluate("() => Object.keys(network.getPositions()).length")
    assert positions == graph.number_of_nodes()
    assert visit.page.locator("#counts").inner_text() == f"{graph.number_of_nodes()} nodes · {graph.number_of_edges()} edges"


def test_search_selects_the_nodes_whose_label_contains_the_text(visit, corpus):
    graph, _ = corpus
    expected = sorted(node for node, data in graph.nodes(data=True) if AGENCY in data["label"])
    assert any(data["label"] == AGENCY and data["group"] == "agency" for _, data in graph.nodes(data=True))
    assert len(expected) > 1  # the agency and the documents whose title names it
    search = visit.page.locator("#search")
    search.fill(AGENCY)
    assert sorted(visit.page.evaluate("() => network.getSelectedNodes()")) == expected
    search.fill("")
    assert visit.page.evaluate("() => network.getSelectedNodes()") == []
    assert visit.errors == []


def test_nodes_are_drawn_in_the_colours_and_shapes_of_the_legend(visit):
    drawn = visit.page.evaluate(
        "() => nodes.get().map(n => { const o = network.body.nodes[n.id].options;"
        " return [n.kind, n.color, n.shape, o.color.background, o.shape]; })"
    )
    legend = dict(visit.page.evaluate(
        "() => [...document.querySelectorAll('.legend span')].map(s => [s.textContent, getComputedStyle(s).getPropertyValue('--c').trim()])"
    ))
    wrong = sorted({(kind, color, background) for kind, color, shape, background, drawn_shape in drawn if background != color})
    assert all(shape == drawn_shape for _, _, shape, _, drawn_shape in drawn)
    assert all(legend[kind] == color for kind, color, *_ in drawn)
    assert wrong == []


def test_search_finds_text_beyond_the_cut_of_a_long_label(visit, corpus):
    graph, _ = corpus
    needle = "工作总结"
    expected = sorted(node for node, data in graph.nodes(data=True) if needle in data["label"])
    assert any(len(graph.nodes[node]["label"]) > 24 for node in expected)
    visit.page.locator("#search").fill(needle)
    try:
        assert sorted(visit.page.evaluate("() => network.getSelectedNodes()")) == expected
    finally:
        visit.page.locator("#search").fill("")


def test_document_markup_is_shown_as_text(browser, tmp_path):
    document = tmp_path / "escape.txt"
    document.write_text(ESCAPE_DOCUMENT, encoding="utf-8")
    store = KnowledgeStore(tmp_path / "kg")
    build([document], store)
    graph = overview(store)
    page_file = tmp_path / "escape.html"
    draw(graph, page_file)
    visit = Visit(browser, page_file)
    try:
        visit.wait_until_drawn()
        page = visit.page
        assert page.evaluate("() => document.querySelectorAll('img, b').length") == 0
        assert page.evaluate("() => document.scripts.length") == 2  # vis-network and the page's own
        # hover every node: the tooltip shows the document text as text
        visit.wait_until_still()
        box = page.locator("#mynetwork canvas").bounding_box()
        points = page.evaluate(
            "() => nodes.getIds().map(id => { const p = network.canvasToDOM(network.getPositions([id])[id]);"
            " return [id, p.x, p.y, nodes.get(id).title]; })"
        )
        tooltips = []
        for node, x, y, title in points:
            page.mouse.move(box["x"] + x, box["y"] + y)
            tooltip = page.locator("div.vis-tooltip")
            tooltip.wait_for(state="visible", timeout=3_000)
            page.wait_for_function("title => document.querySelector('div.vis-tooltip').innerText === title", arg=title, timeout=3_000)
            # vis-network sets innerText: the only elements in the tooltip are the <br>s of its line breaks
            tooltips.append(page.evaluate("() => [...document.querySelectorAll('div.vis-tooltip *')].filter(e => e.tagName !== 'BR').length"))
            page.mouse.move(box["x"] + 1, box["y"] + 1)
        assert tooltips == [0] * len(points)  # no element made from the document text
        assert any("<script>alert(1)</script>" in title for *_, title in points)
        assert page.evaluate("() => document.querySelectorAll('img, b').length") == 0
        assert visit.dialogs == []
        assert visit.errors == []
        assert [url for url in visit.requests if not url.startswith(("file:", "data:"))] == []
    finally:
        visit.close()


def test_the_class_and_relation_filters_hide_and_show(browser, corpus):
    _, page_file = corpus
    page = browser.new_page()
    page.goto(page_file.as_uri())
    page.wait_for_function("() => window.POLICYKG_DRAWN !== undefined")
    everything = page.evaluate("() => [shownNodes.length, shownEdges.length]")
    page.uncheck('#classes input[data-group="agency"]')
    agencies = page.evaluate("() => nodes.get({filter: n => n.group === 'agency'}).length")
    assert page.evaluate("() => shownNodes.length") == everything[0] - agencies > 0
    page.uncheck('#relations input[data-relation="issues"]')
    issued = page.evaluate("() => edges.get({filter: e => e.relation === 'issues'}).length")
    assert page.evaluate("() => shownEdges.length") == everything[1] - issued
    page.check('#classes input[data-group="agency"]')
    assert page.evaluate("() => shownNodes.length") == everything[0]
    page.close()
