"""The SPARQL endpoint and the pages: in-process through werkzeug's client, and as a real server process."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from SPARQLWrapper import JSON, SPARQLWrapper
from werkzeug.test import Client

from policykg.graph_builder.triples import ID_BASE
from policykg.server import App

ASK = "ASK { ?s ?p ?o }"
COUNT = "PREFIX pkg: <https://w3id.org/policykg/ontology#> SELECT (COUNT(?c) AS ?n) WHERE { ?c a pkg:Citation }"


@pytest.fixture(scope="module")
def app(seed_store):
    application = App(seed_store.path, time_limit=2.0, row_limit=5, workers=1, max_body=64 * 1024)
    yield application
    application.close()


@pytest.fixture(scope="module")
def client(app):
    return Client(app)


def test_get_a_query_as_sparql_json(client):
    response = client.get("/sparql", query_string={"query": COUNT})
    assert response.status_code == 200 and response.mimetype == "application/sparql-results+json"
    assert response.json["results"]["bindings"][0]["n"]["value"] == "70"


def test_post_a_query_body_and_a_form(client):
    body = client.post("/sparql", data=COUNT.encode(), content_type="application/sparql-query")
    form = client.post("/sparql", data={"query": COUNT})
    assert body.json == form.json and body.json["results"]["bindings"][0]["n"]["value"] == "70"


@pytest.mark.parametrize(
    ("accept", "mimetype", "start"),
    [
        ("text/csv", "text/csv", b"n\r\n70"),
        ("text/tab-separated-values", "text/tab-separated-values", b'?n\n"70"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ("application/sparql-results+xml", "application/sparql-results+xml", b'<?xml version="1.0"?>'),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml", b"<?xml"),
        ("text/html, */*;q=0.1", "application/sparql-results+json", b'{"head"'),
    ],
)
def test_results_are_negotiated_by_accept_with_q_values(client, accept, mimetype, start):
    response = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == mimetype and response.data.startswith(start)


@pytest.mark.parametrize(("format", "mimetype"), [("turtle", "text/turtle"), ("ntriples", "application/n-triples"), ("jsonld", "application/ld+json")])
def test_construct_answers_as_rdf(client, format, mimetype):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/policykg/ontology#Citation> ; ?p ?o } LIMIT 3"
    response = client.get("/sparql", query_string={"query": query, "format": format})
    assert response.status_code == 200 and response.mimetype == mimetype and ID_BASE.encode() in response.data


@pytest.mark.parametrize(
    ("request_args", "status", "message"),
    [
        ({"query_string": {"query": "SELECT ?x WHERE {"}}, 400, "invalid SPARQL: error at 1:"),
        ({"query_string": {}}, 400, "no query"),
        ({"method": "POST", "data": b"<x/>", "content_type": "application/xml"}, 415, "unsupported content type application/xml"),
        ({"query_string": {"query": ASK}, "headers": {"Accept": "image/png"}}, 406, "cannot answer"),
        ({"method": "POST", "data": b"INSERT DATA { <a:b> <a:c> <a:d> }", "content_type": "application/sparql-update"}, 403, "read-only"),
        ({"query_string": {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 403, "read-only"),
        ({"query_string": {"query": "CLEAR ALL"}}, 403, "read-only"),
        ({"query_string": {"query": "LOAD <http://example.org/x>"}}, 403, "read-only"),
        ({"query_string": {"query": "DROP GRAPH <https://w3id.org/policykg/graph/ontology>"}}, 403, "read-only"),
        ({"method": "POST", "data": {"update": "DELETE WHERE { ?s ?p ?o }"}}, 403, "read-only"),
        ({"method": "POST", "data": b"\xff\xfeSELECT", "content_type": "application/sparql-query"}, 400, "invalid SPARQL"),
        ({"method": "POST", "data": b"x" * (64 * 1024 + 1), "content_type": "application/sparql-query"}, 413, "at most 65536 are accepted"),
        ({"query_string": {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}}, 403, "SERVICE"),
    ],
)
def test_errors_say_what_went_wrong(client, request_args, status, message):
    method = request_args.pop("method", "GET")
    response = client.open("/sparql", method=method, **request_args)
    assert response.status_code == status and message in response.get_data(as_text=True)


def test_cors_lets_browser_clients_call(client):
    preflight = client.options("/sparql", headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/sparql", query_string={"query": ASK}).headers["Access-Control-Allow-Origin"] == "*"


def test_the_row_limit_cuts_and_says_so(client):
    response = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o }"})
    assert len(response.json["results"]["bindings"]) == 5 and "first 5 results" in response.headers["X-Policykg-Truncated"]


def test_a_runaway_query_is_stopped_at_the_time_limit(client):
    started = time.monotonic()
    response = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    assert response.status_code == 503 and "time limit of 2 s" in response.get_data(as_text=True)
    assert time.monotonic() - started < 5
    assert client.get("/sparql", query_string={"query": ASK}).status_code == 200  # a fresh worker answers the next one


def test_the_home_page_lists_documents_classes_and_queries(client):
    page = client.get("/").get_data(as_text=True)
    assert "上海市民政局关于印发《2025年上海民政工作要点》" in page and "WorkItem" in page and 'href="/queries/trace"' in page


def test_a_named_query_runs_from_its_page(client):
    page = client.get("/queries/trace", query_string={"title": "老年人权益保障条例"}).get_data(as_text=True)
    assert "修改《上海市老年人权益保障条例》。" in page and "amends" in page


def test_the_query_page_ships_its_script_and_examples(client):
    page = client.get("/query").get_data(as_text=True)
    assert '<script src="/static/query.js">' in page and '"citations": "# title: Citations' in page and "http" not in page.split("<textarea")[0].split("<head>")[1].replace("https://w3id.org", "")
    assert client.get("/static/query.js").status_code == 200 and client.get("/static/../server.py").status_code == 404


def _work_item(client, text: str) -> str:
    found = client.get("/sparql", query_string={"query": f'PREFIX pkg: <https://w3id.org/policykg/ontology#> SELECT ?i WHERE {{ ?i a pkg:WorkItem ; pkg:sourceText "{text}" }}'})
    return found.json["results"]["bindings"][0]["i"]["value"]


def test_an_entity_page_shows_its_sentence_with_highlights(client):
    iri = _work_item(client, "配合市发改委研究制定《上海市推动银发经济高质量发展若干政策措施》并由市政府办公厅印发。")
    page = client.get("/id/" + iri[len(ID_BASE):]).get_data(as_text=True)
    assert '<mark class="citation">《上海市推动银发经济高质量发展若干政策措施》</mark>' in page
    assert '<mark class="agency">市发改委</mark>' in page and '<mark class="agency">市政府办公厅</mark>' in page
    assert "leadAgency" in page and "上海市发展和改革委员会" in page


def test_an_entity_answers_as_data_by_content_negotiation(client):
    iri = _work_item(client, "修改《上海市老年人权益保障条例》。")
    path = "/id/" + iri[len(ID_BASE):]
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    jsonld = client.get(path, headers={"Accept": "application/ld+json"})
    assert turtle.mimetype == "text/turtle" and b"amends" in turtle.data
    assert jsonld.mimetype == "application/ld+json" and any(item.get("@id") == iri for item in json.loads(jsonld.data))
    assert client.get(path, headers={"Accept": "text/html"}).mimetype == "text/html"


def test_an_unknown_entity_is_404(client):
    assert client.get("/id/item/0000000000000000").status_code == 404


def test_search_and_graph_pages(client):
    assert "修改《上海市老年人权益保障条例》。" in client.get("/search", query_string={"q": "权益保障条例"}).get_data(as_text=True)
    graph = client.get("/graph")
    assert graph.status_code == 200 and b"vis.DataSet" in graph.data


def test_a_real_server_answers_sparqlwrapper(live_server):
    server = live_server
    endpoint = SPARQLWrapper(server + "/sparql")
    endpoint.setQuery(COUNT)
    endpoint.setReturnFormat(JSON)
    assert endpoint.query().convert()["results"]["bindings"][0]["n"]["value"] == "70"


def test_a_real_server_answers_plain_http(live_server):
    server = live_server
    csv = httpx.post(server + "/sparql", content=COUNT.encode(), headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert csv.status_code == 200 and csv.text.replace("\r\n", "\n") == "n\n70\n"
    bad = httpx.post(server + "/sparql", content=b"x", headers={"Content-Type": "text/plain"})
    assert bad.status_code == 415
    assert httpx.get(server + "/").status_code == 200


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ('SELECT ?x WHERE { BIND("#" AS ?h) SERVICE <http://127.0.0.1:9/sparql> { ?x ?y ?z } }', 403),
        ("select * where { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 403),
        ("PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }", 403),
        ("prefix ex: <http://example.org/> # a comment\n delete where { ?s ?p ?o }", 403),
        ('SELECT ?service WHERE { ?service ?p "customer service" } LIMIT 1', 200),
        ("SELECT ?o WHERE { ?s ?p ?o FILTER(<http://example.org/unknown>(?o)) } LIMIT 1", 400),
    ],
)
def test_read_only_checks_look_past_strings_iris_and_comments(client, query, status):
    assert client.get("/sparql", query_string={"query": query}).status_code == status


def test_from_and_default_graph_uri_narrow_the_default_graph(client, seed_store):
    from policykg.graph_builder.triples import SHARED_GRAPHS

    (graph,) = set(seed_store.graphs()) - SHARED_GRAPHS
    count = "SELECT (COUNT(*) AS ?n) {from} WHERE {{ ?s ?p ?o }}"
    union = int(client.get("/sparql", query_string={"query": count.format(**{"from": ""})}).json["results"]["bindings"][0]["n"]["value"])
    one = int(client.get("/sparql", query_string={"query": count.format(**{"from": f"FROM <{graph}>"})}).json["results"]["bindings"][0]["n"]["value"])
    by_parameter = client.get("/sparql", query_string={"query": count.format(**{"from": ""}), "default-graph-uri": graph})
    assert 0 < one < union and int(by_parameter.json["results"]["bindings"][0]["n"]["value"]) == one


@pytest.mark.parametrize(("format", "mimetype"), [("xml", "application/rdf+xml"), ("json", "application/ld+json"), ("json-ld", "application/ld+json"), ("n3", "text/turtle")])
def test_format_names_that_clients_send_are_understood(client, format, mimetype):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/policykg/ontology#Citation> ; ?p ?o } LIMIT 2"
    assert client.get("/sparql", query_string={"query": query, "format": format}).mimetype == mimetype


def test_a_text_wildcard_gets_csv_and_browsers_may_read_the_truncation_header(client):
    response = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/*"})
    assert response.mimetype == "text/csv" and "X-Policykg-Truncated" in response.headers["Access-Control-Expose-Headers"]


def test_only_packaged_queries_run_from_their_page(client, tmp_path, monkeypatch):
    (tmp_path / "evil.rq").write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert client.get("/queries/evil.rq").status_code == 404


def test_sparqlwrapper_construct_over_get(live_server):
    endpoint = SPARQLWrapper(live_server + "/sparql")
    endpoint.setQuery("CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/policykg/ontology#Citation> ; ?p ?o } LIMIT 2")
    assert len(endpoint.query().convert()) > 0  # an rdflib graph, parsed from the RDF/XML SPARQLWrapper asks for


def test_stopping_the_server_stops_its_workers(seed_store):
    import signal
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "policykg", "serve", "--store", str(seed_store.path), "--port", str(port), "--workers", "2"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": ASK}, timeout=2)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    children = [int(pid) for pid in subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()]
    assert len(children) >= 2
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=10)
    time.sleep(0.5)
    alive = [pid for pid in children if subprocess.run(["ps", "-p", str(pid), "-o", "stat="], capture_output=True, text=True).stdout.strip() not in ("", "Z")]
    assert alive == []


def test_a_real_server_cuts_off_a_body_over_the_limit_even_when_chunked(live_server):
    import httpx

    whole = httpx.post(live_server + "/sparql", content=b"#" * (2 * 2**20), headers={"Content-Type": "application/sparql-query"})
    assert whole.status_code == 413 and whole.text == "the request body is 2097152 bytes; at most 1048576 are accepted\n"

    def chunks():
        for _ in range(64):
            yield b"#" * 32768

    chunked = httpx.post(live_server + "/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert chunked.status_code == 413
    assert httpx.get(live_server + "/sparql", params={"query": ASK}).status_code == 200  # and it goes on serving


def test_a_malformed_chunked_body_is_a_400(live_server):
    import socket
    from urllib.parse import urlparse

    address = urlparse(live_server)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
                           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZZ\r\nASK {}\r\n0\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400") and b"cannot read the request body" in answer
