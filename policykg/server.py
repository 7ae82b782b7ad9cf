"""The web face of the store: a SPARQL 1.1 endpoint and pages an analyst can click through.

- ``/sparql``: the SPARQL 1.1 Protocol (GET ?query=, POST application/sparql-query, POST
  form), answers negotiated by Accept (q-values) or ?format=, read-only, CORS open;
- ``/``: what the store holds; ``/query``: a SPARQL editor that works offline;
  ``/queries/NAME``: a named query as a table; ``/search``: full-text search;
- ``/id/…``: one page per entity at the path of its IRI, or its data as Turtle, N-Triples or
  JSON-LD by content negotiation; ``/graph``: the network page.

Every page is rendered on the server with autoescaping: document text is always text.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import tempfile
import threading
from functools import cached_property
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader
from werkzeug.exceptions import BadRequest, HTTPException, NotFound, RequestEntityTooLarge
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from policykg import answers, queries, results
from policykg.graph_builder.triples import ID_BASE
from policykg.sparql import GRAPH_TYPES, ROW_LIMIT, QueryPool, answer, choose, response_form
from policykg.store import KnowledgeStore, StoreError

HERE = Path(__file__).parent
_PKG = "https://w3id.org/policykg/ontology#"
_CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
         "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Expose-Headers": "X-Policykg-Truncated"}
DEFAULT_QUERY = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?regulation (COUNT(?citation) AS ?citations)
WHERE { ?citation pkg:citedDocument ?document . ?document rdfs:label ?regulation }
GROUP BY ?regulation ORDER BY DESC(?citations) LIMIT 20
"""


PAGE_ROWS = 1000  # a named query's page shows this many rows and offers the whole answer as a download
DOWNLOADS = {"csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8", "json": "application/json"}


def _link(iri: str) -> str | None:
    return "/id/" + iri[len(ID_BASE) :] if iri.startswith(ID_BASE) else None


HOME_NODES = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
SELECT DISTINCT ?node ?title WHERE { GRAPH ?g { ?node pkg:title ?title . { ?node pkg:sourceHash ?h } UNION { ?s pkg:hasPart ?node ; pkg:sourceHash ?h } } }"""


def _home(store: KnowledgeStore) -> tuple[list[dict], list[dict]]:
    """What / shows: the documents, each with a link to its page, and the entities per class."""
    from policykg.stats import statistics

    documents = results.run(store, queries.load("documents")).rows
    link = {row["title"]: _link(row["node"]) for row in results.run_kept(store, HOME_NODES).rows}
    for row in documents:
        row["link"] = link.get(row["document"])
    return documents, statistics(store)["classes"].rows


def keep_answers(store: KnowledgeStore) -> tuple[int, int]:
    """Ask of the store's current generation every named query without parameters, then what
    the home page and the network page ask, so that their answers are kept with it and read,
    not evaluated, from the first time anyone asks (``policykg build --keep-answers``; the
    server's keeper does the same in its query workers). Return how many named queries it
    asked and how many of their answers are kept (keeping is best effort: a store this user
    may only read, a full disk or an answer over the size limit keep nothing)."""
    named = [query for query in queries.all_queries() if not query.parameters]
    reader, generation = store.reader_of_generation()
    for query in named:  # kept as the endpoint answers it by default, SPARQL JSON within its row limit: the answer is kept too
        answered = answer(reader, query.text, [], "json", ROW_LIMIT, generation=generation)
        if answered.status != 200:
            raise queries.QueryError(f"{query.name}: {answered.body.decode('utf-8', 'replace').strip()}")
    keep_pages(store)
    return len(named), sum(answers.path(generation, query.text).exists() for query in named)


def keep_pages(store: KnowledgeStore) -> None:
    """Ask what / and /graph ask of the store's current generation, keeping the answers."""
    from policykg.viz.network import overview

    _home(store)
    overview(store)


def _keep_pages(path: str, parent: int) -> None:
    """In a process of its own, started by the keeper: ask what / and /graph ask of the current
    generation, so that their answers are kept (seconds each at 1,000 documents)."""
    from policykg.sparql import _die_with_parent

    _die_with_parent()
    if os.getppid() != parent:
        return  # the server died while this process was starting, before it could ask to die with it
    try:
        keep_pages(KnowledgeStore(path))
    except (StoreError, queries.QueryError):
        pass  # the store went away or changed under it: the pages will say so when asked


class App:
    """The WSGI application; ``App("kg")`` serves the store in ./kg."""

    def __init__(self, store_path: str | Path, time_limit: float = 10.0, row_limit: int = ROW_LIMIT, workers: int = 2, max_body: int = 2**20):
        self.store = KnowledgeStore(store_path)
        self.store.reader()  # fail now, with the store's own message, if there is nothing to serve
        self.store.release(keep_last=False)  # and hold no generation until a page reads one
        self.time_limit, self.row_limit, self.workers, self.max_body = time_limit, row_limit, workers, max_body
        self._stop = threading.Event()
        self._keeper: threading.Thread | None = None
        self.kept: Path | None = None  # the generation whose answers the keeper has kept
        self.templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
        self.urls = Map([
            Rule("/", endpoint="home"), Rule("/query", endpoint="query"), Rule("/sparql", endpoint="sparql"),
            Rule("/queries/<name>", endpoint="named"), Rule("/search", endpoint="search"), Rule("/graph", endpoint="graph"),
            Rule("/id/<path:rest>", endpoint="entity"), Rule("/static/<name>", endpoint="static"), Rule("/favicon.ico", endpoint="favicon"),
            Rule("/ontology", endpoint="ontology"), Rule("/policykg.owl", endpoint="owl"),
        ])

    @cached_property
    def pool(self) -> QueryPool:
        return QueryPool(self.store.path, self.workers, self.time_limit, self.row_limit)

    def close(self) -> None:
        self._stop.set()
        if "pool" in self.__dict__:
            self.pool.close()
        if self._keeper is not None:
            self._keeper.join(timeout=5)  # its query, if any, ended with the pool's workers

    def keep_answers(self, every: float = 5.0) -> threading.Thread:
        """Start a thread that, whenever a build has switched in a new generation, evaluates
        each named query without parameters through the query workers (one at a time, so the
        others stay free), then what / and /graph ask in a process of its own, keeping every
        answer with the generation: those pages and endpoint answers are then read, not
        evaluated, from the first time anyone asks."""
        pool = self.pool  # made here, not in the thread: close() then always finds it

        def run() -> None:
            done = None
            while not self._stop.is_set():
                try:
                    generation = self.store.generation()
                    if generation != done:
                        for named in queries.all_queries():
                            if self._stop.is_set():
                                return
                            if not named.parameters and not answers.path(generation, named.text, form=response_form("json", self.row_limit)).exists():
                                pool.run(named.text, [], "json")  # the answer, and the response most clients ask for; a query past the time limit is left to the pages
                        pages = multiprocessing.get_context("spawn").Process(target=_keep_pages, args=(str(self.store.path), os.getpid()), daemon=True)
                        pages.start()
                        while pages.is_alive():
                            if self._stop.wait(0.2):
                                pages.kill()
                            pages.join(0)
                        done = self.kept = generation
                except (StoreError, RuntimeError):  # no store now; or the pool closed under a query at shutdown
                    pass
                self._stop.wait(every)

        self._keeper = threading.Thread(target=run, name="policykg-answers", daemon=True)
        self._keeper.start()
        return self._keeper

    def __call__(self, environ, start_response):
        try:
            request = self._within_limit(environ)
            endpoint, values = self.urls.bind_to_environ(environ).match()
            with answers.asked():  # what a request keeps cannot crowd out what the keeper keeps
                response = getattr(self, f"on_{endpoint}")(request, **values)
        except HTTPException as error:
            if environ.get("PATH_INFO") == "/sparql" and error.code:  # a SPARQL client reads errors as plain text
                response = self._text(error.code, error.description or error.name)
            else:
                response = error.get_response()
        except StoreError as error:
            response = Response(f"{error}\n", 503, content_type="text/plain; charset=utf-8")
        return response(environ, start_response)

    def _within_limit(self, environ) -> Request:
        """Read the request, refusing with 413 a body over the limit, whether its length is declared
        or it comes in chunks (werkzeug would silently cut a chunked body short)."""
        request = Request(environ)
        if (request.content_length or 0) > self.max_body:
            raise RequestEntityTooLarge(f"the request body is {request.content_length} bytes; at most {self.max_body} are accepted")
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                body = request.stream.read(self.max_body + 1)
            except (OSError, ValueError) as error:  # a malformed chunk header, a body cut short
                raise BadRequest(f"cannot read the request body: {' '.join(str(error).split())}") from None
            if len(body) > self.max_body:
                raise RequestEntityTooLarge(f"the request body is longer than {self.max_body} bytes; at most {self.max_body} are accepted")
            environ.update({"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))})
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            request = Request(environ)
        return request

    def page(self, template: str, **context) -> Response:
        html = self.templates.get_template(template).render(id_base=ID_BASE, **context)
        return Response(html, content_type="text/html; charset=utf-8")

    # -- the SPARQL protocol -----------------------------------------------------

    def on_sparql(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response("", 204, headers=_CORS)
        if request.method not in ("GET", "POST"):
            return self._text(405, "use GET with ?query= or POST")
        if "update" in request.args or "update" in request.form or request.mimetype == "application/sparql-update":
            return self._text(403, "this endpoint is read-only: SPARQL Update is refused")
        if request.method == "GET":
            query = request.args.get("query")
        elif request.mimetype == "application/sparql-query":
            query = request.get_data(as_text=True)
        elif request.mimetype == "application/x-www-form-urlencoded":
            query = request.form.get("query")
        else:
            return self._text(415, f"unsupported content type {request.mimetype or '(none)'}: POST application/sparql-query or a form with query=")
        if not query:
            return self._text(400, "no query: give it as ?query=, as a form field query, or as a POST body of type application/sparql-query")
        graphs = request.values
        answered = self.pool.run(query, list(request.accept_mimetypes), request.args.get("format"),
                               graphs.getlist("default-graph-uri"), graphs.getlist("named-graph-uri"))
        headers = dict(_CORS)
        if answered.truncated:
            headers["X-Policykg-Truncated"] = f"only the first {self.row_limit} results are returned"
        return Response(answered.body, answered.status, content_type=answered.content_type, headers=headers)

    def _text(self, status: int, message: str) -> Response:
        return Response(message + "\n", status, content_type="text/plain; charset=utf-8", headers=_CORS)

    # -- pages ---------------------------------------------------------------------

    def on_home(self, request: Request) -> Response:
        documents, classes = _home(self.store)
        return self.page("home.html", title="policykg", documents=documents, classes=classes, queries=queries.all_queries())

    def on_query(self, request: Request) -> Response:
        named = queries.all_queries()
        return self.page("query.html", title="SPARQL", queries=named, examples={query.name: query.text for query in named}, default=DEFAULT_QUERY)

    def on_named(self, request: Request, name: str) -> Response:
        if name not in queries.names():  # only the packaged queries, never a file of the server's folder
            raise NotFound(f"no named query {name}")
        named = queries.load(name)
        values = {key: request.args.get(key, "") for key, _ in named.parameters}
        table, error = None, None
        wanted = request.args.get("format")
        if wanted and wanted not in DOWNLOADS:
            return self._text(400, f"unknown format {wanted!r}; use one of {', '.join(DOWNLOADS)}")
        if all(values.values()):
            try:
                table = results.run(self.store, named, values, limit=None if wanted else PAGE_ROWS)  # a page: its first rows
            except queries.QueryError as problem:
                error = str(problem)
        if wanted and table is None:  # a download gets the answer or a plain error, never the page
            missing = [key for key, value in values.items() if not value]
            return self._text(400, error or f"{name}: missing parameter {missing[0]}; give it as ?{missing[0]}=…")
        if wanted:
            return Response(results.render(table, wanted) + "\n", content_type=DOWNLOADS[wanted],
                            headers={"Content-Disposition": f'attachment; filename="{name}.{wanted}"'})
        downloads = [(format, urlencode({**values, "format": format})) for format in DOWNLOADS]
        return self.page("table.html", title=named.title, description=named.description, parameters=named.parameters, values=values,
                         table=table, error=error, shown=PAGE_ROWS, downloads=downloads)

    def on_search(self, request: Request) -> Response:
        from policykg.search import SearchError, search

        text = request.args.get("q", "")
        table, error = None, None
        if text:
            try:
                table = search(self.store, text)
            except SearchError as problem:
                error = str(problem)
        return self.page("table.html", title="搜索 Search", description="Full-text search over work items and titles.",
                         parameters=[("q", "text to find, e.g. 养老床位")], values={"q": text}, table=table, error=error)

    def on_graph(self, request: Request) -> Response:
        from policykg.viz.network import draw, overview

        with tempfile.TemporaryDirectory() as folder:
            output = Path(folder) / "graph.html"
            draw(overview(self.store), output, "policykg — 政策知识图谱")
            return Response(output.read_text(encoding="utf-8"), content_type="text/html; charset=utf-8")

    def on_ontology(self, request: Request) -> Response:
        from policykg.docs import render

        return Response(render(self.store), content_type="text/html; charset=utf-8")

    def on_owl(self, request: Request) -> Response:
        from rdflib import Graph

        from policykg.ontology import ontology_turtle

        body = Graph().parse(data=ontology_turtle(), format="turtle").serialize(format="xml", encoding="utf-8")
        return Response(body, content_type="application/rdf+xml")

    def on_favicon(self, request: Request) -> Response:
        return Response(status=204)  # no icon: a browser asking for one gets nothing rather than a 404

    def on_static(self, request: Request, name: str) -> Response:
        path = HERE / "static" / name
        if name not in {"style.css", "query.js"} or not path.is_file():
            raise NotFound()
        kind = "text/css" if name.endswith(".css") else "text/javascript"
        return Response(path.read_bytes(), content_type=f"{kind}; charset=utf-8")

    # -- entities ----------------------------------------------------------------

    def on_entity(self, request: Request, rest: str) -> Response:
        from policykg.pages import describe, paragraph

        iri = ID_BASE + rest
        node = ox.NamedNode(iri)
        accept = list(request.accept_mimetypes)
        data_types = [*GRAPH_TYPES.values(), "application/json", "application/xml"]
        wants_data = bool(request.args.get("format")) or (accept and request.accept_mimetypes.best_match(["text/html", *data_types]) in data_types)
        store = self.store.reader()
        triples = list(dict.fromkeys(quad.triple for quad in store.quads_for_pattern(node, None, None, None)))
        if not triples and not next(iter(store.quads_for_pattern(None, None, node, None)), None):
            raise NotFound(f"nothing in the store is called {iri}")
        if wants_data:
            chosen = choose(accept, request.args.get("format"), graph=True) or "turtle"
            formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
            body = ox.serialize(triples, format=formats[chosen], prefixes={"pkg": _PKG, "id": ID_BASE})
            return Response(body, content_type=GRAPH_TYPES[chosen], headers={"Vary": "Accept", **_CORS})
        context = describe(store, node, triples)
        context.update(paragraph(store, node, triples))
        response = self.page("entity.html", title=context["label"], iri=iri, **context)
        response.headers["Vary"] = "Accept"
        return response
