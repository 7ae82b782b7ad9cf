"""The knowledge graph on disk: an embedded Oxigraph store, changed only by atomic swaps.

A store directory holds generations of an Oxigraph database and a ``current`` symlink to
the one in use. A build checkpoints the current generation (``Store.backup``: hard links,
no copy), writes its changes into the checkpoint, and then points ``current`` at it with
one atomic rename. A build that fails or is killed part-way leaves ``current`` untouched,
and readers never see a half-written graph.

This is the only module that talks to the database.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

MARKER = "POLICYKG"
FORMAT = "policykg-store 1"
CURRENT = "current"
DEFAULT_PATH = "kg"


class StoreError(RuntimeError):
    """A store that cannot be used as asked; the message names the path and the problem."""


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bind_values(sparql: str, bindings: Mapping[str, ox.Literal | ox.NamedNode]) -> str:
    """Insert ``VALUES (?a ?b) { (…) }`` at the start of a query's WHERE group."""
    match = _WHERE.search(sparql)
    if not match:
        raise SyntaxError("a query with parameters needs a WHERE { … } group to bind them in")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(value) for value in bindings.values())
    return f"{sparql[: match.end()]}\n  VALUES ({names}) {{ ({values}) }}{sparql[match.end():]}"


def _infer(store: ox.Store, rules: list[str], graph: ox.NamedNode, passes: int = 10) -> int:
    """Run CONSTRUCT rules over all graphs until nothing new follows; write what follows into ``graph``."""
    added = 0
    for _ in range(passes):
        new = []
        for rule in rules:
            for triple in store.query(rule, use_default_graph_as_union=True):
                if next(iter(store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None)), None) is None:
                    new.append(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
        new = list(dict.fromkeys(new))
        if not new:
            break
        store.extend(new)
        added += len(new)
    return added


class KnowledgeStore:
    """A policykg store directory: ``KnowledgeStore("kg").query("SELECT …")``."""

    def __init__(self, path: str | os.PathLike = DEFAULT_PATH):
        self.path = Path(path)

    # -- reading ---------------------------------------------------------------

    def exists(self) -> bool:
        """Tell whether the directory holds a built knowledge graph."""
        return (self.path / MARKER).is_file() and (self.path / CURRENT).exists()

    def _check(self) -> None:
        if not self.path.exists():
            raise StoreError(f"{self.path}: no knowledge graph here; build one with `policykg build DOCUMENTS --store {self.path}`")
        if not (self.path / MARKER).is_file():
            raise StoreError(f"{self.path}: not a policykg store (no {MARKER} file); choose another --store path")
        found = (self.path / MARKER).read_text(encoding="utf-8").strip()
        if found != FORMAT:
            raise StoreError(f"{self.path}: store format {found!r} is not {FORMAT!r}; rebuild it with `policykg build`")
        if not (self.path / CURRENT).exists():
            raise StoreError(f"{self.path}: the store is empty; build it with `policykg build DOCUMENTS --store {self.path}`")

    def reader(self) -> ox.Store:
        """Open the current generation read-only."""
        self._check()
        try:
            return ox.Store.read_only(str((self.path / CURRENT).resolve()))
        except OSError as error:
            raise StoreError(f"{self.path}: cannot open the store: {error}") from None

    def query(self, sparql: str, bindings: Mapping[str, ox.Literal | ox.NamedNode] | None = None):
        """Run a SPARQL query over the union of all named graphs, with variables bound to values.

        Each binding becomes a ``VALUES`` row at the start of the outermost WHERE group; the
        value is written by pyoxigraph's own term serialiser, so it cannot alter the query.
        """
        store = self.reader()
        if bindings:
            sparql = bind_values(sparql, bindings)
        return store.query(sparql, use_default_graph_as_union=True)

    def graphs(self) -> list[str]:
        """Return the IRIs of the named graphs, sorted."""
        return sorted(graph.value for graph in self.reader().named_graphs())

    def quads(self) -> Iterator[ox.Quad]:
        """Yield every quad of the store."""
        yield from self.reader().quads_for_pattern(None, None, None, None)

    def dump(self, output, format: ox.RdfFormat, prefixes: Mapping[str, str] | None = None) -> None:
        """Serialise the store to a binary file object: datasets keep their named graphs,
        triple formats (Turtle, JSON-LD …) get the union of all graphs."""
        store = self.reader()
        if format.supports_datasets:
            ox.serialize(store, output, format, prefixes=dict(prefixes or {}))
        else:
            triples = dict.fromkeys(quad.triple for quad in store)  # one copy of what several graphs share
            ox.serialize(triples, output, format, prefixes=dict(prefixes or {}))

    # -- writing ---------------------------------------------------------------

    @contextmanager
    def _lock(self) -> Iterator[None]:
        self.path.mkdir(parents=True, exist_ok=True)
        handle = open(self.path / ".lock", "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise StoreError(f"{self.path}: another build is writing to this store; wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def generation(self) -> Path:
        """Return the folder of the generation in use."""
        self._check()
        return (self.path / CURRENT).resolve()

    def replace(self, graphs: Mapping[str, Iterable[ox.Quad]], remove: Iterable[str] = (), beside=None,
                rules: list[str] | None = None, inferred: str | None = None) -> None:
        """Atomically replace named graphs with new quads and drop others; all or nothing.

        ``beside(fresh, previous)`` may write files that belong with the new generation (the
        search index) before it is switched in; ``previous`` is the generation replaced, if any.
        """
        if self.path.exists() and any(self.path.iterdir()) and not (self.path / MARKER).is_file():
            raise StoreError(f"{self.path}: the folder exists and is not a policykg store; choose another --store path")
        with self._lock():
            (self.path / MARKER).write_text(FORMAT + "\n", encoding="utf-8")
            self._sweep()
            fresh = self.path / f"gen-{uuid.uuid4().hex[:12]}"
            try:
                current = self.path / CURRENT
                previous = current.resolve() if current.exists() else None
                if previous is not None:
                    ox.Store.read_only(str(previous)).backup(str(fresh))
                store = ox.Store(str(fresh))
                remove = list(remove)
                for graph in [*remove, *graphs]:
                    store.remove_graph(ox.NamedNode(graph))
                store.bulk_extend(quad for quads in graphs.values() for quad in quads)
                if inferred:
                    store.remove_graph(ox.NamedNode(inferred))
                    if rules:
                        _infer(store, rules, ox.NamedNode(inferred))
                store.flush()
                del store
                if beside is not None:
                    beside(fresh, previous, graphs, remove)
                self._switch(fresh)
            except BaseException:
                shutil.rmtree(fresh, ignore_errors=True)
                raise
            self._sweep()

    def _switch(self, fresh: Path) -> None:
        link = self.path / f".current-{uuid.uuid4().hex[:8]}"
        os.symlink(fresh.name, link)
        os.replace(link, self.path / CURRENT)
        directory = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def _sweep(self) -> None:
        """Remove generations that are not current: left by an earlier swap or a killed build."""
        current = (self.path / CURRENT).resolve() if (self.path / CURRENT).exists() else None
        for entry in self.path.iterdir():
            if entry.name.startswith("gen-") and entry.resolve() != current:
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.name.startswith(".current-"):
                entry.unlink(missing_ok=True)
