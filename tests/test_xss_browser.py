"""No document can run code in a reader's browser: every page that shows a hostile document, opened in headless Chromium."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from policykg import queries
from policykg.build import build
from policykg.graph_builder.triples import ID_BASE
from policykg.store import KnowledgeStore

from support import HOSTILE_DOCUMENT

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from load import serve  # noqa: E402

TITLE = "<script>window.__xss=1</script>养老服务办法"
# what a payload that ran, or markup that became elements, would leave behind
INJECTED = """() => ({
  ran: window.__xss === undefined ? null : window.__xss,
  handlers: [...document.querySelectorAll("*")].filter(e => [...e.attributes].some(a => a.name.startsWith("on") && a.value.includes("__xss"))).length,
  scripts: [...document.scripts].filter(s => s.textContent.trim().startsWith("window.__xss")).length,
  links: [...document.querySelectorAll("a[href]")].filter(a => a.href.trim().toLowerCase().startsWith("javascript:")).length,
  elements: document.querySelectorAll('img[src="x"], svg[onload]').length,
  shown: document.body.innerText.includes("window.__xss"),
})"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.txt").write_text(HOSTILE_DOCUMENT, encoding="utf-8")
    store = KnowledgeStore(folder / "kg")
    build([folder / "hostile.txt"], store)
    with serve(store.path, workers=1) as base:
        yield base, store


@pytest.fixture()
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def opened(page, url: str) -> dict:
    page.goto(url)  # waits for the load event, which comes after every <img> has loaded or failed (and fired onerror)
    state = page.evaluate(INJECTED)
    assert page.dialogs == []
    assert (state["ran"], state["handlers"], state["scripts"], state["links"], state["elements"]) == (None, 0, 0, 0, 0), url
    return state


def entities(store: KnowledgeStore) -> list[str]:
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), \"{ID_BASE}\")) }} ORDER BY ?s")
    return ["/id/" + row["s"].value[len(ID_BASE):] for row in rows]


def test_no_page_that_shows_the_document_runs_its_markup(page, hostile):
    base, store = hostile
    shown = []
    pages = ["/", f"/search?q={quote('onerror')}", f"/search?q={quote('<img src=x onerror=window.__xss=9>')}", "/graph", "/ontology"]
    pages += [f"/queries/{name}" + (f"?title={quote(TITLE)}" if queries.load(name).parameters else "") for name in queries.names()]
    pages += entities(store)
    for path in pages:
        if opened(page, base + path)["shown"]:
            shown.append(path)
    # the hostile text was on these pages, as text
    for path in ["/", "/search?q=onerror", "/queries/citations", "/queries/programs", "/queries/documents", "/queries/regulations", "/queries/trace"]:
        assert any(page_path.startswith(path.split("?")[0]) and (path.split("?")[0] != "/" or page_path == "/") for page_path in shown), path
    documents = [path for path in pages if path.startswith("/id/document/")]
    assert documents and all(path in shown for path in documents)
    assert len(shown) >= 20


def test_results_in_the_query_editor_are_text(page, hostile):
    base, _ = hostile
    opened(page, base + "/query")
    query = 'PREFIX pkg: <https://w3id.org/policykg/ontology#> SELECT ?s ?text WHERE { ?s pkg:sourceText ?text FILTER(CONTAINS(?text, "__xss")) }'
    page.fill("#query", query)
    page.click("#run")
    page.wait_for_selector("#row-count")
    page.wait_for_load_state("networkidle")
    state = page.evaluate(INJECTED)
    assert state["shown"] and (state["ran"], state["handlers"], state["scripts"], state["links"], state["elements"]) == (None, 0, 0, 0, 0)
    page.click("#results a")  # and the entity it links to
    page.wait_for_selector("#source")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(INJECTED)["ran"] is None and page.dialogs == []


def test_tooltips_and_the_written_network_page_are_text(page, hostile, tmp_path):
    base, store = hostile
    opened(page, base + "/graph")
    page.wait_for_function("() => window.POLICYKG_DRAWN !== undefined")
    document = page.evaluate("() => nodes.get().find(node => String(node.title).includes('window.__xss=2')).id")
    point = page.evaluate(f"() => network.canvasToDOM(network.getPositions([{document!r}])[{document!r}])")
    box = page.locator("#mynetwork canvas").bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible")
    assert "window.__xss=2" in page.inner_text("div.vis-tooltip") and page.evaluate(INJECTED)["ran"] is None
    output = tmp_path / "graph.html"
    subprocess.run([sys.executable, "-m", "policykg", "viz", "--store", str(store.path), "-o", str(output)], check=True, capture_output=True)
    state = opened(page, output.as_uri())
    assert page.evaluate("() => nodes.get().some(node => String(node.title).includes('window.__xss'))") and state["ran"] is None
