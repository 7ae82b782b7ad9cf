"""Full-text search over work items and titles, kept in step with the store on every build.

The index is an SQLite FTS5 table with the trigram tokenizer (Chinese needs no word breaks),
stored inside each generation of the store: a build copies the previous index into its new
generation, replaces the rows of the graphs it rewrites, and the atomic switch of the store
switches the index with it. Text of fewer than three characters, which trigrams cannot
match, is found by a substring scan of the same table.
"""

from __future__ import annotations

import shutil
import sqlite3
import unicodedata
import urllib.parse
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from policykg.results import Table, run
from policykg.store import KnowledgeStore

INDEX = "search.sqlite"
_PKG = "https://w3id.org/policykg/ontology#"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


class SearchError(ValueError):
    """A search that cannot be run; the message says why."""


def _uri(path: Path, read_only: bool = False) -> str:
    """An SQLite URI of ``path`` (its #, ? and % quoted), read-only if asked."""
    return f"file:{urllib.parse.quote(str(Path(path).resolve()))}" + ("?mode=ro" if read_only else "")


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(_uri(path), uri=True)
    connection.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS entries USING fts5(folded, text UNINDEXED, kind UNINDEXED, node UNINDEXED, "
        "graph UNINDEXED, document UNINDEXED, section UNINDEXED, tokenize='trigram')"
    )
    return connection


def index_rows(graph: str, statements: Iterable[tuple[str, str, str, bool]]) -> list[tuple]:
    """Return the index rows of one graph from its statements (subject, predicate, object,
    whether the object is a literal): its work items with document and section, and its titles."""
    types: dict[str, set[str]] = {}
    values: dict[tuple[str, str], str] = {}
    parent_of: dict[str, str] = {}
    wanted = (_TYPE, _PKG + "sourceText", _PKG + "title", _LABEL, _PKG + "isPartOf", _PKG + "hasPart")
    for subject, predicate, obj, literal in statements:
        if predicate not in wanted:
            continue
        if predicate == _TYPE:
            types.setdefault(subject, set()).add(obj)
        elif predicate in (_PKG + "sourceText", _PKG + "title", _LABEL) and literal:
            values.setdefault((subject, predicate), obj)
        elif predicate == _PKG + "isPartOf":
            values[(subject, "document")] = obj
        elif predicate == _PKG + "hasPart":
            parent_of[obj] = subject
    rows = []
    for node, kinds in types.items():
        if _PKG + "WorkItem" in kinds and (node, _PKG + "sourceText") in values:
            document = values.get((values.get((node, "document"), ""), _PKG + "title"), "")
            parent = parent_of.get(node, "")
            section = values.get((parent, _LABEL), "") if _PKG + "Section" in types.get(parent, ()) else ""
            rows.append((values[(node, _PKG + "sourceText")], "work item", node, graph, document, section))
        elif (_PKG + "PolicyDocument" in kinds or _PKG + "CreativeWork" in kinds) and (node, _PKG + "title") in values:
            rows.append((values[(node, _PKG + "title")], "title", node, graph, "", ""))
    return rows


def fold(text: str) -> str:
    """Return the form text is indexed and searched in: full-width folded (，→,), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def update_index(fresh: Path, previous: Path | None, rows: Mapping[str, list[tuple]], dropped: Iterable[str]) -> None:
    """Write the index of a new store generation: the previous one with the rows of the graphs
    written (``rows``, from :func:`index_rows`) replaced and the graphs dropped removed.

    FTS5 deletes a row at about the cost of indexing it, so when the rows that go are most of the
    previous index, the rows that stay are copied into a new one instead of deleting the others."""
    target = fresh / INDEX
    old = previous / INDEX if previous is not None and (previous / INDEX).is_file() else None
    gone = [(graph,) for graph in {*dropped, *rows}]
    copy = old is not None and _share(old, gone) <= 0.5
    if copy:
        shutil.copyfile(old, target)
    with _connect(target) as connection:
        if old is not None and not copy:
            connection.execute("ATTACH DATABASE ? AS old", (_uri(old, read_only=True),))
        connection.execute("CREATE TEMP TABLE gone (graph TEXT PRIMARY KEY)")
        connection.executemany("INSERT INTO gone VALUES (?)", gone)
        if copy:
            connection.execute("DELETE FROM entries WHERE graph IN (SELECT graph FROM gone)")  # one scan, not one per graph
        elif old is not None:
            connection.execute("INSERT INTO entries SELECT * FROM old.entries WHERE graph NOT IN (SELECT graph FROM gone)")
        for found in rows.values():
            connection.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)", [(fold(row[0]), *row) for row in found])
    connection.close()


def _share(index: Path, graphs: list[tuple[str]]) -> float:
    """The share of the rows of ``index`` that belong to ``graphs``."""
    connection = sqlite3.connect(_uri(index, read_only=True), uri=True)
    try:
        connection.execute("CREATE TEMP TABLE gone (graph TEXT PRIMARY KEY)")
        connection.executemany("INSERT INTO gone VALUES (?)", graphs)
        total, going = connection.execute("SELECT count(*), coalesce(sum(graph IN (SELECT graph FROM gone)), 0) FROM entries").fetchone()
    finally:
        connection.close()
    return going / total if total else 1.0


def search(store: KnowledgeStore, text: str, limit: int = 50) -> Table:
    """Return the work items and titles that contain ``text``, with the entities each names."""
    text = fold(text.strip())
    if not text:
        raise SearchError("give some text to search for")
    path = store.generation() / INDEX
    if not path.is_file():
        raise SearchError(f"{store.path}: the store has no search index yet; build it again with `policykg build`")
    connection = sqlite3.connect(_uri(path, read_only=True), uri=True)
    try:
        if len(text) >= 3:
            phrase = '"' + text.replace('"', '""') + '"'  # one quoted phrase: FTS syntax in the text is just text
            found = connection.execute(
                "SELECT text, kind, node, document, section FROM entries WHERE entries MATCH ? ORDER BY rank LIMIT ?", (phrase, max(1, limit))
            ).fetchall()
        else:
            found = connection.execute(
                "SELECT text, kind, node, document, section FROM entries WHERE instr(folded, ?) > 0 LIMIT ?", (text, max(1, limit))
            ).fetchall()
    finally:
        connection.close()
    entities = _entities(store, [row[2] for row in found])
    rows = [
        {"sentence": sentence, "kind": kind, "document": document, "section": section, "entities": entities.get(node, ""), "node": node}
        for sentence, kind, node, document, section in found
    ]
    return Table(["sentence", "kind", "document", "section", "entities", "node"], rows)


def _entities(store: KnowledgeStore, nodes: list[str]) -> dict[str, str]:
    if not nodes:
        return {}
    # the nodes bound inside each branch, where Oxigraph looks them up one by one: bound outside
    # the union, each branch was evaluated for the whole store first (2.7 s at 1,000 documents, 19 ms so)
    values = "VALUES ?node { " + " ".join(str(ox.NamedNode(node)) for node in nodes) + " }"
    table = run(store, f"""PREFIX pkg: <https://w3id.org/policykg/ontology#>
        SELECT ?node (GROUP_CONCAT(DISTINCT ?name; separator="、") AS ?names) WHERE {{
          {{ {values} ?node pkg:cites ?cited . ?cited pkg:title ?title BIND(CONCAT("《", ?title, "》") AS ?name) }}
          UNION {{ {values} ?node pkg:partnerAgency|pkg:mentionsAgency ?body . ?body pkg:canonicalName ?name }}
          UNION {{ {values} ?node pkg:leadAgency ?body FILTER NOT EXISTS {{ ?node pkg:implicitLeadAgency ?body }} ?body pkg:canonicalName ?name }}
          UNION {{ {values} ?node pkg:involvesProgram ?program . ?program pkg:name ?quoted BIND(CONCAT("“", ?quoted, "”") AS ?name) }}
        }} GROUP BY ?node""")
    return {row["node"]: row["names"] for row in table.rows}
