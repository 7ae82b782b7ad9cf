"""The served pages in headless Chromium: the SPARQL editor runs a query, an entity page highlights its sentence."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

QUERY = "PREFIX pkg: <https://w3id.org/policykg/ontology#>\\nSELECT ?title WHERE { ?d a pkg:Regulation ; pkg:title ?title } ORDER BY ?title"


@pytest.fixture()
def page(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def _local_only(urls: list[str], base: str) -> bool:
    return all(urlparse(url).netloc == urlparse(base).netloc or url.startswith("data:") for url in urls)


def test_the_query_page_runs_a_query_and_shows_the_rows(page, live_server):
    page.goto(live_server + "/query")
    page.evaluate(f'document.getElementById("query").value = "{QUERY}"')
    page.click("#run")
    page.wait_for_selector("#row-count")
    cells = page.locator("#results td").all_inner_texts()
    assert page.inner_text("#row-count") == "3 rows"
    assert cells == ["上海市殡葬管理条例", "上海市老年人权益保障条例", "上海市行业协会商会条例"]
    assert page.errors == [] and _local_only(page.requests, live_server)


def test_an_example_fills_the_editor_and_runs(page, live_server):
    page.goto(live_server + "/query")
    page.select_option("#examples", "targets-vs-results")
    assert "PREFIX pkg: <https://w3id.org/policykg/ontology#>" in page.input_value("#query").splitlines()
    page.click("#run")
    page.wait_for_selector("#row-count")
    assert "养老床位" in page.locator("#results td").all_inner_texts()


def test_an_entity_page_highlights_its_sentence(page, live_server):
    page.goto(live_server + "/queries/trace?title=老年人权益保障条例")
    assert "修改《上海市老年人权益保障条例》。" in page.inner_text("main")
    page.goto(live_server + "/query")
    page.evaluate('document.getElementById("query").value = "PREFIX pkg: <https://w3id.org/policykg/ontology#>\\nSELECT ?i WHERE { ?i pkg:sourceText \\"修改《上海市老年人权益保障条例》。\\" }"')
    page.click("#run")
    page.wait_for_selector("#results a")
    page.click("#results a")
    page.wait_for_selector("#source")
    assert page.inner_text("#source mark.citation") == "《上海市老年人权益保障条例》"
    assert page.inner_text("#source").startswith("修改《上海市老年人权益保障条例》。加强人口老龄化国情教育")  # shown in its paragraph
    assert page.errors == [] and _local_only(page.requests, live_server)


def test_a_click_on_the_served_graph_opens_the_entity_page(page, live_server):
    page.goto(live_server + "/graph")
    page.wait_for_function("() => window.POLICYKG_DRAWN !== undefined")
    iri = page.evaluate("() => nodes.get({filter: n => n.label === '上海市老年人权益保障条例'})[0].id")
    with page.expect_navigation():
        page.evaluate("(iri) => network.body.emitter.emit('click', {nodes: [iri], edges: [], event: {}, pointer: {}})", iri)
    assert page.url == live_server + "/id/" + iri.split("/id/", 1)[1]
    assert page.inner_text("h1") == "上海市老年人权益保障条例"
    assert page.errors == [] and _local_only(page.requests, live_server)
