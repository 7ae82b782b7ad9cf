"""Run SPARQL for the endpoint: read-only, in worker processes, within a time and a row limit.

Each worker process keeps the store open read-only and answers one query at a time. A query
that outlives the time limit has its worker killed and replaced, so a runaway query can
neither hang the server nor hold a core; the row limit is applied while results stream out.
The answer is negotiated by the query's form: SELECT and ASK as SPARQL results (JSON, XML,
CSV, TSV), CONSTRUCT and DESCRIBE as RDF (Turtle, N-Triples, JSON-LD).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import queue
import re
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import pyoxigraph as ox

from policykg import answers, queries
from policykg.store import KnowledgeStore, StoreError, bind_values

RESULT_TYPES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_TYPES = {"turtle": "text/turtle", "ntriples": "application/n-triples", "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml"}
_RESULT_ACCEPT = {**{value.split(";")[0]: key for key, value in RESULT_TYPES.items()}, "application/json": "json", "application/xml": "xml", "text/xml": "xml"}
_GRAPH_ACCEPT = {**{value: key for key, value in GRAPH_TYPES.items()}, "application/x-turtle": "turtle", "text/plain": "ntriples", "application/json": "jsonld", "application/xml": "rdfxml", "text/xml": "rdfxml"}
# ?format= as clients write it (SPARQLWrapper sends xml, json, json-ld …)
_RESULT_ALIASES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "srj": "json", "srx": "xml", **_RESULT_ACCEPT}
_GRAPH_ALIASES = {"turtle": "turtle", "ttl": "turtle", "n3": "turtle", "ntriples": "ntriples", "nt": "ntriples", "n-triples": "ntriples",
                  "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld", "rdfxml": "rdfxml", "xml": "rdfxml", "rdf": "rdfxml", **_GRAPH_ACCEPT}
_WILDCARDS = {"*/*": ("json", "turtle"), "text/*": ("csv", "turtle"), "application/*": ("json", "jsonld")}
_GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
# strings, IRIs and comments say nothing about what a query does: drop them before looking at its keywords
_OPAQUE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_DECLARATION = re.compile(r"\b(?:PREFIX\s+[\w.-]*:|BASE)\s*", re.IGNORECASE)
_UPDATE = re.compile(r"^\s*(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)
_SERVICE = re.compile(r"(?<![?$\w])SERVICE\b", re.IGNORECASE)
_FROM = re.compile(r"(?<![?$\w])FROM\b", re.IGNORECASE)


ROW_LIMIT = 10000  # most results one query returns, unless the server is told otherwise (serve --row-limit)
# what made a kept response (answers.response): the code that reads the kept rows and serialises
# them (this module and answers), and the Python whose json and csv write them
_SERIALIZER = hashlib.sha256(b"".join(Path(module).read_bytes() for module in (__file__, answers.__file__))
                             + f"{sys.version_info[0]}.{sys.version_info[1]}".encode()).hexdigest()[:16]


def response_form(format: str, row_limit: int) -> str:
    """What a response kept for a named query is made of: its format, its row limit and the code (:data:`_SERIALIZER`)."""
    return f"{format} {row_limit} {_SERIALIZER}"


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False


def _plain(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def keywords(query: str) -> str:
    """Return a query with its strings, IRIs, comments and prologue removed: what is left says what it does."""
    return _DECLARATION.sub(" ", _OPAQUE.sub(" ", query))


def refusal(query: str) -> Answer | None:
    """Return a 403 for what a read-only endpoint refuses (updates, SERVICE), else None."""
    text = keywords(query)
    if _UPDATE.match(text):
        return _plain(403, "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP …) is refused")
    if _SERVICE.search(text):
        return _plain(403, "this endpoint answers from its own store only: SERVICE (federated query) is refused")
    return None


def choose(accept: list[tuple[str, float]], format: str | None, graph: bool) -> str | None:
    """Return the format key to answer in, from ?format= or the Accept header; None if nothing fits."""
    mimes, aliases = (_GRAPH_ACCEPT, _GRAPH_ALIASES) if graph else (_RESULT_ACCEPT, _RESULT_ALIASES)
    if format and format.lower() in aliases:
        return aliases[format.lower()]
    best, weight = None, 0.0
    for mime, quality in accept:
        mime = mime.split(";")[0].strip().lower()
        if quality <= weight:
            continue
        if mime in mimes:
            best, weight = mimes[mime], quality
        elif mime in _WILDCARDS:
            best, weight = _WILDCARDS[mime][1 if graph else 0], quality
    return best if accept else ("turtle" if graph else "json")


def _term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    data = {"type": "literal", "value": term.value}
    if term.language:
        data["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        data["datatype"] = term.datatype.value
    return data


def _term_xml(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f'<literal xml:lang="{escape(term.language)}">{escape(term.value)}</literal>'
    return f'<literal datatype="{escape(term.datatype.value)}">{escape(term.value)}</literal>'


def serialize_solutions(variables: list[str], rows: list[list], format: str) -> bytes:
    """Write SELECT results in one of the SPARQL results formats."""
    if format == "json":
        bindings = [{name: _term_json(term) for name, term in zip(variables, row) if term is not None} for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")
    if format == "xml":
        out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
        out += [f'<variable name="{name}"/>' for name in variables] + ["</head>", "<results>"]
        for row in rows:
            out.append("<result>" + "".join(f'<binding name="{name}">{_term_xml(term)}</binding>' for name, term in zip(variables, row) if term is not None) + "</result>")
        return "\n".join(out + ["</results>", "</sparql>"]).encode("utf-8")
    buffer = io.StringIO()
    if format == "csv":
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([["" if term is None else term.value for term in row] for row in rows])
    else:  # TSV keeps RDF term syntax, as the specification asks
        buffer.write("\t".join(f"?{name}" for name in variables) + "\n")
        for row in rows:
            buffer.write("\t".join("" if term is None else str(term) for term in row) + "\n")
    return buffer.getvalue().encode("utf-8")


def _boolean(value: bool, format: str) -> bytes:
    if format == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if format == "xml":
        return f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>{str(value).lower()}</boolean></sparql>'.encode()
    return f"_askResult\n{str(value).lower()}\n".encode()


@cache
def _named_texts() -> frozenset[str]:
    return frozenset(named.text for named in queries.all_queries() if not named.parameters)


# one RDF term as pyoxigraph writes it: a literal (with its language or datatype) or an IRI
_TERM = r'(?:"(?:[^"\\\r\n]|\\.)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^<[^<>"{}|^`\\\s]*>)?|<[^<>"{}|^`\\\s]*>)'


@cache
def _bound_shapes() -> tuple[re.Pattern, ...]:
    """The named queries with parameters, each as the text :func:`bind_values` makes of it
    whatever the values: the text a client sends to ask one (policykg's pages and trace do)."""
    shapes = []
    for named in queries.all_queries():
        if named.parameters:
            marks = {name: ox.Literal(f"policykg-parameter-{index}") for index, (name, _) in enumerate(named.parameters)}
            shape = re.escape(bind_values(named.text, marks))
            for mark in marks.values():
                shape = shape.replace(re.escape(str(mark)), _TERM)
            shapes.append(re.compile(shape))
    return tuple(shapes)


def _named(query: str) -> str | None:
    """Tell whether ``query`` is a named query: "named" as written, "bound" with its parameters' values bound."""
    if query in _named_texts():
        return "named"
    return "bound" if any(shape.fullmatch(query) for shape in _bound_shapes()) else None


def answer(store: ox.Store, query: str, accept: list[tuple[str, float]], format: str | None, row_limit: int,
           default_graphs: list[str] = (), named_graphs: list[str] = (), generation: Path | None = None) -> Answer:
    """Run a query on an open store and serialise its results as negotiated.

    The default graph is the union of all graphs, unless the query says FROM or the request
    names default-graph-uri; named-graph-uri narrows what GRAPH may see. The text of a named
    query (with its parameters' values bound, or none) is answered from the answer and the
    response kept with ``generation`` (see :mod:`policykg.answers`).
    """
    refused = refusal(query)
    if refused:
        return refused
    options = {"named_graphs": [ox.NamedNode(graph) for graph in named_graphs]} if named_graphs else {}
    if default_graphs:
        options["default_graph"] = [ox.NamedNode(graph) for graph in default_graphs]
    elif not _FROM.search(keywords(query)):
        options["use_default_graph_as_union"] = True
    named = _named(query) if generation is not None and options == {"use_default_graph_as_union": True} else None
    with answers.asked() if named == "bound" else nullcontext():  # values a client chose: kept apart, under their own cap
        return _answer(store, query, accept, format, row_limit, options, generation, named)


def _answer(store: ox.Store, query: str, accept: list[tuple[str, float]], format: str | None, row_limit: int,
            options: dict, generation: Path | None, named: str | None) -> Answer:
    form = None  # of a named query's response: made once a generation, then read (answers.response)
    try:
        if named and answers.keeps(query):
            chosen = choose(accept, format, graph=False)
            if chosen is not None:
                form = response_form(chosen, row_limit)
                kept = answers.response(generation, query, form)
                if kept is not None and kept[:2] in (b"T\n", b"W\n"):
                    return Answer(200, RESULT_TYPES[chosen], kept[2:], truncated=kept[:1] == b"T")
            result = answers.select(store, generation, query, limit=row_limit + 1)
        else:
            result = store.query(query, **options)
    except SyntaxError as error:
        return _plain(400, f"invalid SPARQL: {' '.join(str(error).split())}")
    except (RuntimeError, OSError, ValueError) as error:
        return _plain(400, f"the query cannot be run: {' '.join(str(error).split())}")
    graph = isinstance(result, ox.QueryTriples)
    chosen = choose(accept, format, graph)
    if chosen is None:
        offered = ", ".join((GRAPH_TYPES if graph else RESULT_TYPES).values())
        return _plain(406 if not format else 400, f"cannot answer in {format or 'any format the Accept header names'}; this query can be answered as {offered}")
    try:
        if isinstance(result, ox.QueryBoolean):
            return Answer(200, RESULT_TYPES[chosen], _boolean(bool(result), chosen))
        if graph:
            triples = []
            for triple in result:
                if len(triples) == row_limit:
                    return Answer(200, GRAPH_TYPES[chosen], ox.serialize(triples, format=_GRAPH_FORMATS[chosen]), truncated=True)
                triples.append(triple)
            return Answer(200, GRAPH_TYPES[chosen], ox.serialize(triples, format=_GRAPH_FORMATS[chosen]))
        variables = [variable.value for variable in result.variables]
        rows, truncated = [], False
        for solution in result:
            if len(rows) == row_limit:
                truncated = True
                break
            rows.append([solution[name] for name in variables])
        body = serialize_solutions(variables, rows, chosen)
        if form is not None and form.startswith(f"{chosen} "):
            answers.keep_response(generation, query, form, (b"T\n" if truncated else b"W\n") + body)
        return Answer(200, RESULT_TYPES[chosen], body, truncated)
    except (OSError, RuntimeError, ValueError) as error:
        return _plain(500, f"the query failed while running: {' '.join(str(error).split())}")


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the server process dies, however it dies."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker(path: str, requests, responses, parent: int) -> None:
    """Answer queries from ``requests`` one by one, reopening the store when a build swapped it."""
    _die_with_parent()
    if os.getppid() != parent:
        return  # the server died while this worker was starting
    knowledge, opened, store = KnowledgeStore(path), None, None
    while True:
        try:
            job = requests.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return  # the server has gone
        if job is None:
            return
        current = os.path.realpath(os.path.join(path, "current"))
        if current != opened:
            try:
                store = None  # drop the store read before, then let go of its generation
                store, opened = knowledge.reader(), str(knowledge.opened)  # what it opened, should a build have switched meanwhile
                knowledge.release()  # one query at a time: the generation read before is not in use any more
            except StoreError as error:
                responses.send(_plain(503, str(error)))
                continue
        responses.send(answer(store, *job, generation=Path(opened)))


class QueryPool:
    """A few worker processes that answer queries within a time limit."""

    def __init__(self, store_path: str | Path, workers: int = 2, time_limit: float = 10.0, row_limit: int = ROW_LIMIT):
        self.path = str(Path(store_path).resolve())
        self.time_limit, self.row_limit = time_limit, row_limit
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._all: list = []
        # Linux kills a worker when the *thread* that started it ends (PR_SET_PDEATHSIG), so every
        # worker is started by this one thread, which lives as long as the pool
        self._starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policykg-workers")
        for _ in range(workers):
            self._idle.put(self._start())

    def _start(self):
        return self._starter.submit(self._spawn).result()

    def _spawn(self):
        parent_requests, child_requests = self._context.Pipe()
        child_responses, parent_responses = self._context.Pipe()
        process = self._context.Process(target=_worker, args=(self.path, child_requests, child_responses, os.getpid()), daemon=True)
        process.start()
        worker = (process, parent_requests, parent_responses)
        with self._lock:
            self._all.append(worker)
        return worker

    def run(self, query: str, accept: list[tuple[str, float]], format: str | None, default_graphs: list[str] = (), named_graphs: list[str] = ()) -> Answer:
        """Answer one query, or a 503 when it runs past the time limit (its worker is replaced)."""
        worker = self._idle.get()
        process, requests, responses = worker
        timed_out = False
        try:
            requests.send((query, accept, format, self.row_limit, list(default_graphs), list(named_graphs)))
            if responses.poll(self.time_limit):
                result = responses.recv()
                self._idle.put(worker)
                return result
            timed_out = True
        except (EOFError, OSError):
            pass
        process.kill()
        process.join()
        with self._lock:
            self._all.remove(worker)
        self._idle.put(self._start())
        if timed_out:
            return _plain(503, f"the query ran past the time limit of {self.time_limit:g} s and was stopped; narrow it or raise --time-limit")
        return _plain(500, "the query worker stopped unexpectedly; the query was not answered (a new worker has started)")

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
        for process, requests, _ in workers:
            try:
                requests.send(None)
            except (OSError, BrokenPipeError):
                pass
            process.join(timeout=2)
            if process.is_alive():
                process.kill()
        self._starter.shutdown(wait=False)
