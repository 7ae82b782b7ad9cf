"""The policykg command line: build, query, inspect, export and draw the knowledge graph."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click
import pyoxigraph as ox

from policykg import results
from policykg.build import BuildError, build as build_documents
from policykg.graph_builder.gazetteer import Gazetteer, GazetteerError
from policykg.graph_builder import reader
from policykg.graph_builder.reader import ReadError
from policykg.queries import QueryError, all_queries, load
from policykg.sparql import ROW_LIMIT
from policykg.store import DEFAULT_PATH, KnowledgeStore, StoreError
from policykg.viz import VIEWS

NETWORK_FORMATS = ("graphml", "gexf")
EXPORT_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
}
PREFIXES = {
    "pkg": "https://w3id.org/policykg/ontology#", "id": "https://w3id.org/policykg/id/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/", "prov": "http://www.w3.org/ns/prov#",
}
_DOMAIN_ERRORS = (BuildError, QueryError, StoreError, ReadError, GazetteerError)

store_option = click.option(
    "--store", "store_path", default=DEFAULT_PATH, show_default=True, envvar="POLICYKG_STORE",
    type=click.Path(file_okay=False), help="Folder of the knowledge graph (or set POLICYKG_STORE).",
)


VIEW_HELP = "overview: documents, cited documents, agencies, programs; citations: citing → cited, by relation; agencies: who works with whom; programs; indicators: documents and the measures they set or report; document: one document (--focus); ego: --depth steps around --focus."


def _view_options(command):
    for option in reversed([
        click.option("--view", type=click.Choice(VIEWS), default="overview", show_default=True, help=VIEW_HELP),
        click.option("--focus", metavar="TITLE-OR-NAME", help="The document (document view) or entity (ego view) to centre on."),
        click.option("--depth", type=click.IntRange(min=1, max=5), default=1, show_default=True, help="Steps around --focus in the ego view."),
        click.option("--area", metavar="领域", help="Only work items of this policy area (e.g. 养老服务)."),
    ]):
        command = option(command)
    return command


def _build_view(store_path: str, view: str, focus: str | None, depth: int, area: str | None):
    from policykg.viz.views import ViewError, view as build_view

    try:
        return build_view(KnowledgeStore(store_path), view, _text(focus), depth, _text(area))
    except (ViewError, *_DOMAIN_ERRORS) as error:
        raise _fail(error) from None


def _text(value: str | None) -> str | None:
    """Return command-line text as real Unicode: in a C locale Python hands UTF-8 bytes over as surrogates."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if value else value


def _writable(output: str) -> None:
    """Refuse an output path whose folder does not exist, before any work is done."""
    folder = Path(output).parent
    if not folder.is_dir():
        raise click.ClickException(f"{output}: the folder {folder} does not exist")


def _fail(error: Exception) -> click.ClickException:
    return click.ClickException(" ".join(str(error).split()))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="policykg")
def main() -> None:
    """Turn Chinese government policy documents into a knowledge graph you can query and browse.

    \b
    Example:
        policykg build data/documents
        policykg query citations
        policykg viz -o graph.html
    """


@main.command()
@click.argument("paths", nargs=-1, required=True)
@store_option
@click.option("--gazetteer", type=click.Path(exists=True, dir_okay=False), help="Agency gazetteer TSV to use instead of the packaged one.")
@click.option("--infer", is_flag=True, help="Also materialise what the ontology entails (eli:cites, org:subOrganizationOf, inverses …) into the inferred graph.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Processes that extract in parallel (default: the number of cores).")
@click.option("--prune", is_flag=True, help="Also drop the graphs of files that no longer exist.")
@click.option("--strict", is_flag=True, help="Stop at the first file that cannot be built, and write nothing.")
@click.option("--optimize/--no-optimize", default=None,
              help="Merge the store's sorted files after loading (queries over a large corpus run about a third faster). "
                   "Default: when the build loaded more than one batch of documents; --optimize also after a small build, "
                   "or alone on an unchanged corpus after many small builds.")
@click.option("--max-size", type=click.FloatRange(min=0, min_open=True), default=reader.MAX_BYTES / 2**20, show_default=True,
              help="Largest document to read, in MB.")
@click.option("--keep-answers", is_flag=True,
              help="Then evaluate every named query without parameters, and what the home and network pages ask, and keep "
                   "the answers with the new graph: each is read back from the first time it is asked (at 1,000 documents, "
                   "in milliseconds instead of seconds; the build takes about as long again).")
def build(paths: tuple[str, ...], store_path: str, gazetteer: str | None, infer: bool, jobs: int | None, prune: bool,
          strict: bool, optimize: bool | None, max_size: float, keep_answers: bool) -> None:
    """Read documents (files, folders, globs) and write their graph into the store.

    Each document gets its own named graph; building it again replaces that graph, and a file
    whose bytes did not change is skipped. A file that cannot be read (empty, binary, not a
    document, too large …) is listed at the end with the reason, the others are built, and the
    exit status is 1; what the store held from that file stays. With --strict the first such
    file stops the build and nothing is written. On a terminal a progress bar shows documents
    per second.

    \b
    Example:
        policykg build data/documents --store kg
        policykg build 'reports/**/*.html' notice.txt
        policykg build data/documents --infer
        policykg build corpus/ --jobs 4 --prune
        policykg build corpus/ --keep-answers
    """
    import os

    from tqdm import tqdm

    from policykg.build import collect

    store = KnowledgeStore(store_path)
    bar = tqdm(total=len(collect(paths)[0]), unit="doc", file=sys.stderr, leave=False) if sys.stderr.isatty() else None
    try:
        report = build_documents(paths, store, Gazetteer.load(gazetteer) if gazetteer else None, infer=infer,
                                 on_document=(lambda _: bar.update()) if bar else None, jobs=jobs or os.cpu_count() or 1, prune=prune,
                                 strict=strict, optimize=optimize, max_bytes=int(max_size * 2**20))
    except _DOMAIN_ERRORS as error:
        raise _fail(error) from None
    finally:
        if bar:
            bar.close()
    for skipped, kept in report.duplicates:
        click.echo(f"skipped {skipped}: the same document as {kept}", err=True)
    if report.skipped:
        kinds = sorted({Path(name).suffix or "(no suffix)" for name in report.skipped})
        click.echo(f"skipped {len(report.skipped)} file(s) that are not .txt or .html documents ({', '.join(kinds)})", err=True)
    unchanged = f", {len(report.unchanged)} unchanged" if report.unchanged else ""
    removed = f", {len(report.removed)} graph(s) dropped" if report.removed else ""
    for note in report.notes:
        click.echo(f"warning: {note}", err=True)
    click.echo(f"built {len(report.documents)} document(s){unchanged}{removed}, {report.quads} quads, in {report.seconds:.2f} s into {store_path}")
    if report.failed:
        click.echo(f"failed {len(report.failed)} file(s), not built (what the store held from them is unchanged):", err=True)
        for failure in report.failed:
            click.echo(f"  {' '.join(failure.split())}", err=True)
    if keep_answers:
        _keep_answers(store)
    if report.failed:
        sys.exit(1)


def _keep_answers(store: KnowledgeStore) -> None:
    import time

    from policykg.server import keep_answers

    try:
        store.generation()
    except StoreError:
        return  # nothing was ever built here: no graph to keep answers of (the failures said why)
    started = time.perf_counter()
    try:
        asked, kept = keep_answers(store)
    except _DOMAIN_ERRORS as error:
        raise _fail(error) from None
    seconds = time.perf_counter() - started
    if kept == asked:
        click.echo(f"kept the answers of {asked} named queries and of the home and network pages in {seconds:.2f} s")
    else:
        click.echo(f"warning: kept the answers of {kept} of {asked} named queries in {seconds:.2f} s; the others are evaluated each time "
                   "they are asked (a store this user may only read, a full disk, or an answer over 64 MB)", err=True)


@main.command("remove")
@click.argument("paths", nargs=-1, required=True)
@store_option
def remove_documents(paths: tuple[str, ...], store_path: str) -> None:
    """Drop from the store the graphs built from these files, or from any file under these folders.

    \b
    Example:
        policykg remove data/documents/old-notice.txt
        policykg remove archive/2019/
    """
    from policykg.build import remove

    try:
        dropped = remove(paths, KnowledgeStore(store_path))
    except _DOMAIN_ERRORS as error:
        raise _fail(error) from None
    click.echo(f"removed {len(dropped)} document graph(s) from {store_path}")


@main.command()
@click.argument("name", required=False)
@click.option("-q", "--sparql", "sparql", help="SPARQL query text to run instead of a named query.")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="Parameter of a named query (repeatable).")
@click.option("-f", "--format", "output_format", type=click.Choice(results.FORMATS), default="table", show_default=True)
@store_option
def query(name: str | None, sparql: str | None, params: tuple[str, ...], output_format: str, store_path: str) -> None:
    """Run a named query, a query file (.rq) or SPARQL text over the whole graph.

    The answer of a named query or file is kept with the store's generation and read back
    when it is asked again, until a build changes the graph.

    \b
    Example:
        policykg query citations --format csv
        policykg query trace --param title=上海市老年人权益保障条例
        policykg query -q 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
        policykg query my-question.rq --format json
    """
    if bool(name) == bool(sparql):
        raise click.UsageError("give either a query NAME (or FILE.rq) or --sparql TEXT")
    sparql = _text(sparql)
    bindings = {}
    for item in map(_text, params):
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--param {item!r}: write it as KEY=VALUE")
        bindings[key.strip()] = value
    store = KnowledgeStore(store_path)
    try:
        named = load(name) if name else None
        outcome = results.run(store, named if named else sparql, bindings)
    except _DOMAIN_ERRORS as error:
        raise _fail(error) from None
    if isinstance(outcome, bool):
        click.echo("true" if outcome else "false")
    elif isinstance(outcome, list):
        sys.stdout.buffer.write(ox.serialize(outcome, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES))
    else:
        click.echo(results.render(outcome, output_format))


@main.command("queries")
def list_queries() -> None:
    """List the named queries with their parameters and columns.

    \b
    Example:
        policykg queries
    """
    for named in all_queries():
        params = " ".join(f"--param {key}=…" for key, _ in named.parameters)
        click.echo(f"{named.name}{' ' + params if params else ''}")
        click.echo(f"    {named.title}: {named.description}")
        click.echo(f"    columns: {', '.join(named.columns)}")


@main.command()
@click.argument("title", required=False)
@click.option("--agency", help="Trace an agency instead: 市科委, 上海市民政局 …")
@click.option("--program", help="Trace a program instead: 一键通, 桥计划 …")
@click.option("-f", "--format", "output_format", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
@store_option
def trace(title: str | None, agency: str | None, program: str | None, output_format: str, store_path: str) -> None:
    """Show where a regulation is cited and how, what it cites, its likely duplicates and its lifecycle.

    The title may be exact, normalised, a part of a title, or close to one; when several
    titles match, the candidates are listed.

    \b
    Example:
        policykg trace 上海市老年人权益保障条例
        policykg trace 养老科技创新 --format markdown
        policykg trace --agency 市科委
        policykg trace --program 一键通 --format json
    """
    from policykg.trace import TraceError, show, trace_agency, trace_program, trace_regulation

    if sum(bool(item) for item in (title, agency, program)) != 1:
        raise click.UsageError("give a TITLE, or --agency NAME, or --program NAME")
    store = KnowledgeStore(store_path)
    try:
        if agency:
            report = trace_agency(store, _text(agency))
        elif program:
            report = trace_program(store, _text(program))
        else:
            report = trace_regulation(store, _text(title))
    except TraceError as error:
        raise _fail(error) from None
    except _DOMAIN_ERRORS as error:
        raise _fail(error) from None
    click.echo(show(report, output_format))


@main.command()
@click.argument("text")
@click.option("-n", "--limit", default=20, show_default=True, type=click.IntRange(min=1), help="How many hits to show.")
@click.option("-f", "--format", "output_format", type=click.Choice(results.FORMATS), default="table", show_default=True)
@store_option
def search(text: str, limit: int, output_format: str, store_path: str) -> None:
    """Find work items and titles that contain TEXT, with their document, section and entities.

    \b
    Example:
        policykg search 老年人权益保障
        policykg search 养老床位 --format json
    """
    from policykg.search import SearchError, search as find

    try:
        table = find(KnowledgeStore(store_path), _text(text), limit)
    except (SearchError, *_DOMAIN_ERRORS) as error:
        raise _fail(error) from None
    columns = table.columns if output_format == "json" else [column for column in table.columns if column != "node"]
    click.echo(results.render(results.Table(columns, table.rows), output_format))


def _handler():
    from werkzeug.serving import WSGIRequestHandler

    class Handler(WSGIRequestHandler):
        timeout = 30  # seconds a connection may stay silent: a client that stops sending frees its thread

    return Handler


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--time-limit", default=10.0, show_default=True, type=float, help="Seconds a SPARQL query may run before it is stopped.")
@click.option("--row-limit", default=ROW_LIMIT, show_default=True, type=click.IntRange(min=1), help="Most results one SPARQL query returns.")
@click.option("--workers", default=2, show_default=True, type=int, help="Processes that answer SPARQL queries.")
@click.option("--max-body", default=1024, show_default=True, type=click.IntRange(min=1), help="Largest request body accepted, in KB (413 beyond).")
@click.option("--keep-answers/--no-keep-answers", default=True, show_default=True,
              help="Evaluate the named queries in the background whenever a build switches in a new graph, so their pages answer at once.")
@click.option("--get", "path", metavar="PATH", help="Print the response to one request (e.g. /sparql?query=…) and exit, opening no socket.")
@click.option("--accept", default="*/*", show_default=True, help="The Accept header sent with --get.")
@store_option
def serve(host: str, port: int, time_limit: float, row_limit: int, workers: int, max_body: int, keep_answers: bool,
          path: str | None, accept: str, store_path: str) -> None:
    """Serve the SPARQL endpoint at /sparql and the pages: /, /query, /search, /graph, /id/….

    \b
    Example:
        policykg serve --store kg --port 8000
        curl 'http://127.0.0.1:8000/sparql?query=ASK%20%7B%3Fs%20%3Fp%20%3Fo%7D'
        policykg serve --get '/queries/regulations'
        policykg serve --get /sparql?query=... --accept text/csv
    """
    from werkzeug.serving import run_simple
    from werkzeug.test import Client

    from policykg.server import App

    try:
        app = App(store_path, time_limit, row_limit, workers, max_body * 1024)
    except _DOMAIN_ERRORS as error:
        raise _fail(error) from None
    try:
        if path:
            response = Client(app).get(_text(path), headers={"Accept": accept})
            sys.stdout.buffer.write(response.get_data())
            if response.status_code >= 400:
                raise click.ClickException(f"{path}: {response.status}")
            return
        click.echo(f"policykg serving {store_path} at http://{host}:{port}/ (SPARQL at /sparql); Ctrl-C stops", err=True)

        def stop(signum, frame):  # SIGTERM stops the server as Ctrl-C does, so its workers are stopped too
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        app.pool  # start the query workers now, before the first request
        if keep_answers:
            app.keep_answers()
        try:
            run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False, request_handler=_handler())
        except KeyboardInterrupt:
            pass
    finally:
        app.close()


@main.command()
@click.option("-f", "--format", "output_format", type=click.Choice(results.FORMATS), default="table", show_default=True)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Processes that check document graphs in parallel (default: the number of cores).")
@store_option
def validate(output_format: str, jobs: int | None, store_path: str) -> None:
    """Check the graph against the SHACL shapes (ontology/shapes.ttl) and list what fails.

    Every work item needs a span inside its document's text and a section or document to stand
    in; every indicator a value, unit, measure and kind; every citation a titled document; every
    agency a canonical name. Each document's graph is checked on its own, in parallel, with a
    progress bar on a terminal. Exits 1 when anything fails.

    \b
    Example:
        policykg validate --store kg
        policykg validate --store corpus-kg --jobs 4
    """
    import os

    from tqdm import tqdm

    from policykg.validate import check_store

    try:
        store = KnowledgeStore(store_path)
        bar = tqdm(total=len(store.graphs()), unit="graph", file=sys.stderr, leave=False) if sys.stderr.isatty() else None
        try:
            conforms, table = check_store(store, jobs=jobs or os.cpu_count() or 1, on_graph=(lambda _: bar.update()) if bar else None)
        finally:
            if bar:
                bar.close()
    except _DOMAIN_ERRORS as error:
        raise _fail(error) from None
    if conforms:
        click.echo("conforms: every shape holds")
        return
    click.echo(results.render(results.Table(["focus", "path", "message"], table.rows), output_format))
    raise click.ClickException(f"{len(table.rows)} violation(s) of the shapes")


@main.command()
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False), default="ontology-docs", show_default=True, help="Folder to write index.html and policykg.owl into.")
@store_option
def docs(folder: str, store_path: str) -> None:
    """Write the ontology's reference as HTML, with examples from the store, and an RDF/XML copy for Protégé.

    \b
    Example:
        policykg docs -o ontology-docs --store kg && xdg-open ontology-docs/index.html
    """
    from policykg.docs import write

    store = KnowledgeStore(store_path)
    written = write(folder, store if store.exists() else None)
    click.echo("wrote " + ", ".join(str(path) for path in written))


@main.command()
@store_option
def stats(store_path: str) -> None:
    """Count entities per class and links per relation.

    \b
    Example:
        policykg stats --store kg
    """
    from policykg.stats import source_documents, statistics

    store = KnowledgeStore(store_path)
    try:
        tables = statistics(store)
        documents = source_documents(store)
    except _DOMAIN_ERRORS as error:
        raise _fail(error) from None
    click.echo(f"source documents: {documents}\n")
    click.echo(results.render(tables["classes"], "table"))
    click.echo()
    click.echo(results.render(tables["relations"], "table"))


@main.command()
@click.option("-f", "--format", "output_format", type=click.Choice(sorted(EXPORT_FORMATS) + list(NETWORK_FORMATS)), default="trig", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-", help="File to write (default: standard output).")
@_view_options
@store_option
def export(output_format: str, output: str, view: str, focus: str | None, depth: int, area: str | None, store_path: str) -> None:
    """Write the whole graph as RDF: TriG and N-Quads keep one graph per document.

    \b
    GraphML and GEXF (for Gephi) write a view of the network instead, with labels, classes,
    relations and weights as attributes.

    \b
    Example:
        policykg export --format turtle -o policykg.ttl
        policykg export --format nquads | gzip > policykg.nq.gz
        policykg export --format gexf --view citations -o citations.gexf
    """
    if output_format in NETWORK_FORMATS:
        import networkx as nx

        from policykg.viz.analyze import for_export

        graph = for_export(_build_view(store_path, view, focus, depth, area))
        write = nx.write_graphml if output_format == "graphml" else nx.write_gexf
        if output == "-":
            write(graph, sys.stdout.buffer)
        else:
            _writable(output)
            write(graph, output)
            click.echo(f"wrote {output}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges", err=True)
        return
    if output != "-":
        _writable(output)
    store = KnowledgeStore(store_path)
    try:
        if output == "-":
            store.dump(sys.stdout.buffer, EXPORT_FORMATS[output_format], PREFIXES)
        else:
            temporary = Path(output + ".part")
            with open(temporary, "wb") as handle:
                store.dump(handle, EXPORT_FORMATS[output_format], PREFIXES)
            temporary.replace(output)
    except _DOMAIN_ERRORS as error:
        raise _fail(error) from None
    if output != "-":
        click.echo(f"wrote {output}", err=True)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="graph.html", show_default=True)
@click.option("--title", default="policykg — 政策知识图谱", show_default=True, help="Heading of the page.")
@click.option("--size", type=click.Choice(["degree", "pagerank"]), default="degree", show_default=True, help="What a node's size shows.")
@_view_options
@store_option
def viz(output: str, title: str, size: str, view: str, focus: str | None, depth: int, area: str | None, store_path: str) -> None:
    """Draw a view of the graph as a network page that works offline.

    Class and relation filters, a search box and tooltips with source sentences are on the
    page; above 300 nodes the layout is computed here and physics is off, so it opens fast.

    \b
    Example:
        policykg viz -o graph.html && xdg-open graph.html
        policykg viz --view citations --area 养老服务 -o citations.html
        policykg viz --view ego --focus 上海市老年人权益保障条例 --depth 2 -o ego.html
    """
    from policykg.viz.network import draw

    _writable(output)
    drawing = draw(_build_view(store_path, view, focus, depth, area), output, _text(title), size)
    click.echo(f"wrote {output}: {drawing.nodes} nodes, {drawing.edges} edges")


@main.command()
@click.option("-n", "--top", default=15, show_default=True, type=click.IntRange(min=1))
@click.option("-f", "--format", "output_format", type=click.Choice(results.FORMATS), default="table", show_default=True)
@store_option
def analyze(top: int, output_format: str, store_path: str) -> None:
    """Network analytics: most-cited regulations, agencies by betweenness, communities, components.

    \b
    Example:
        policykg analyze --top 10
        policykg analyze --format json > analytics.json
    """
    from policykg.viz import analyze as analytics

    citations = _build_view(store_path, "citations", None, 1, None)
    agencies = _build_view(store_path, "agencies", None, 1, None)
    overview = _build_view(store_path, "overview", None, 1, None)
    tables = {
        "most-cited regulations": analytics.most_cited(citations, top),
        "agencies by betweenness": analytics.brokers(agencies, top),
        "communities": analytics.communities(overview, top),
        "connected components": analytics.components(overview),
    }
    if output_format == "json":
        import json

        click.echo(json.dumps({name: table.rows for name, table in tables.items()}, ensure_ascii=False, indent=2))
        return
    for name, table in tables.items():
        click.echo(f"== {name}")
        click.echo(results.render(table, output_format))
        click.echo()
