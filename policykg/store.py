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
import glob
import io
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from policykg import answers

MARKER = "POLICYKG"
FORMAT = "policykg-store 1"
CURRENT = "current"
SCRATCH = "incoming"
DEFAULT_PATH = "kg"
READERS_GRACE = 300.0  # seconds a process keeps an older generation it read after opening a newer one

# One quad on one N-Quads line as policykg's writer and Oxigraph's serializer write it (the shape
# Generation.sync_units accepts): subject and predicate IRIs, an IRI or a literal, the graph's IRI.
_IRI = r'<[^<>"{}|^`\\\x00-\x20]*>'
_QUAD_LINE = re.compile(rf'{_IRI} {_IRI} (?:{_IRI}|"(?:[^"\\\n\r]|\\.)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^{_IRI})?) <(?P<graph>[^<>"{{}}|^`\\\x00-\x20]*)> \.\n')
_BLANK = re.compile(r'(?:^|\s)_:')


class StoreError(RuntimeError):
    """A store that cannot be used as asked; the message names the path and the problem."""


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _slots(names: Iterable[str]) -> re.Pattern:
    """``VALUES ?name { UNDEF }`` for any of ``names``: where a query asks for a parameter to be bound."""
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b(?i:VALUES)\s+[?$]({alternatives})\s*\{{\s*(?i:UNDEF)\s*\}}")


def bind_values(sparql: str, bindings: Mapping[str, ox.Literal | ox.NamedNode]) -> str:
    """Bind a query's parameters: in its own ``VALUES ?name { UNDEF }`` where it has one, else by
    ``VALUES (?a ?b) { (…) }`` at the start of its WHERE group.

    A slot lets a query bind a parameter in the group that uses it, where Oxigraph filters with it
    before joining the rest (trace: the matching titles first, then their citations), instead of
    joining the whole store and filtering at the end. Every slot is filled in one pass over the
    query as written, so no value is ever read as a slot (or anything else) of the query."""
    if not bindings:
        return sparql
    slots = _slots(bindings)
    slotted = set(slots.findall(sparql))
    sparql = slots.sub(lambda found: f"VALUES ?{found[1]} {{ {bindings[found[1]]} }}", sparql)
    rest = {name: value for name, value in bindings.items() if name not in slotted}
    if not rest:
        return sparql
    match = _WHERE.search(sparql)
    if not match:
        raise SyntaxError("a query with parameters needs a WHERE { … } group to bind them in")
    names = " ".join(f"?{name}" for name in rest)
    values = " ".join(str(value) for value in rest.values())
    return f"{sparql[: match.end()]}\n  VALUES ({names}) {{ ({values}) }}{sparql[match.end():]}"


def _infer(store: ox.Store, rules: list[str], graph: ox.NamedNode) -> int:
    """Run CONSTRUCT rules over all graphs until nothing new follows; write what follows into
    ``graph``; return the triples it holds.

    Each rule constructs only what no graph states yet, and Oxigraph writes it as N-Triples for a
    bulk load: at 1,000 documents (1.3 million triples follow) a Python object for each, checked
    against the store one by one and inserted in a transaction, took 250 s and 2.2 GB. A bulk
    load would rename blank nodes, so what has any is added as quads. A pass that finds anything
    adds triples no graph held, about the nodes and properties the store already has, so the
    passes end (a property chain climbs one level of parts a pass: as many passes as it takes)."""
    held = _size(store, graph)
    while True:
        for rule in rules:
            found = store.query(rule, use_default_graph_as_union=True).serialize(format=ox.RdfFormat.N_TRIPLES)
            if not found:
                continue
            if b"_:" in found:  # (or a literal that holds "_:": the slower way is right for it too)
                store.extend([ox.Quad(triple.subject, triple.predicate, triple.object, graph) for triple in store.query(rule, use_default_graph_as_union=True)])
            else:
                store.bulk_load(found, ox.RdfFormat.N_TRIPLES, to_graph=graph)
        grown = _size(store, graph)
        if grown == held:  # what the graph holds, not what the rules found: a rule that finds what is stated cannot loop
            return grown
        held = grown


def _size(store: ox.Store, graph: ox.NamedNode) -> int:
    return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")))["n"].value)


def _abandoned(scratch: Path, grace: float = 60.0) -> bool:
    """Tell whether no live build holds this scratch folder (its build was killed). A folder
    without its lock file yet is being created, unless it is older than ``grace`` seconds."""
    if not (scratch / ".lock").exists():
        return time.time() - scratch.stat().st_mtime > grace
    try:
        with open(scratch / ".lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
    except BlockingIOError:
        return False
    except OSError:
        return True


def _readers_lock(generation: Path) -> Path:
    return generation.parent / f".{generation.name}.readers"


# Generations this process reads: a shared lock on each keeps a build from deleting it while it is
# in use (Oxigraph opens some of a database's files only when a query first needs them).
# generation folder → (lock file handle or None, when a newer generation of the store was opened here)
_HELD: dict[Path, tuple[io.TextIOWrapper | None, float | None]] = {}
_HELD_LOCK = threading.Lock()  # the server's threads open readers at once


def _hold(generation: Path) -> bool:
    """Take a shared lock on a generation for this process; False if a build removed it meanwhile."""
    with _HELD_LOCK:
        if generation not in _HELD:
            handle = _readers_handle(generation)
            if not (generation / "CURRENT").exists():
                if handle:
                    handle.close()
                return False
            _HELD[generation] = (handle, None)
        _HELD[generation] = (_HELD[generation][0], None)
        now = time.time()
        for other, (handle, superseded) in list(_HELD.items()):
            if other.parent != generation.parent or other == generation:
                continue
            if superseded is None:
                _HELD[other] = (handle, now)
            elif now - superseded > READERS_GRACE:
                _close(_HELD.pop(other, (None, None))[0])
        return True


def _readers_handle(generation: Path) -> io.TextIOWrapper | None:
    """Open and share-lock a generation's readers file; None where that cannot be done (a store
    this user may only read and no builder marked, a file system without locks): read unmarked."""
    try:
        handle = open(_readers_lock(generation), "a")
    except OSError:
        try:
            handle = open(_readers_lock(generation))
        except OSError:
            return None
    try:
        fcntl.flock(handle, fcntl.LOCK_SH)  # waits only while a sweep is deleting this very generation
    except OSError:
        handle.close()
        return None
    return handle


def _close(handle: io.TextIOWrapper | None) -> None:
    if handle is not None:
        handle.close()


def _release(store: Path, keep: Path | None) -> None:
    """Let go of this process's locks on a store's generations other than ``keep``."""
    with _HELD_LOCK:
        for generation in [held for held in _HELD if held.parent == store and held != keep]:
            _close(_HELD.pop(generation)[0])


class _Concatenated(io.RawIOBase):
    """The bytes of several files read as one stream, one file open at a time."""

    def __init__(self, paths: list[Path]):
        self._paths, self._file = list(reversed(paths)), None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            if self._file is None:
                if not self._paths:
                    return 0
                self._file = open(self._paths.pop(), "rb")
            count = self._file.readinto(buffer)
            if count:
                return count
            self._file.close()
            self._file = None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


class Generation:
    """A store generation being written by :meth:`KnowledgeStore.transaction`."""

    LOADERS = 2  # bulk loads at a time: one load keeps about one core busy, so two finish a backlog in about half the time

    def __init__(self, store: ox.Store, folder: Path, previous: Path | None):
        self._store, self.folder, self.previous = store, folder, previous
        self.loads = 0  # bulk loads so far
        self._loaders: ThreadPoolExecutor | None = None
        self._loading: list[Future] = []

    def drop(self, graphs: Iterable[str]) -> None:
        """Remove named graphs (those not there are ignored), once the loads under way are done."""
        graphs = list(graphs)
        if graphs:
            self.settle()
        for graph in graphs:
            self._store.remove_graph(ox.NamedNode(graph))

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads."""
        self.settle()
        self._store.bulk_extend(quads)

    def load(self, files: list[Path], background: bool = False) -> None:
        """Add the quads of N-Quads files, read as one stream and parsed by Oxigraph, not by Python.

        ``background`` returns at once and loads in a thread of its own, at most ``LOADERS`` at a time
        (so memory stays bounded: this waits for the oldest when that many are under way). Every
        other change, and :meth:`settle`, waits for them first, and raises the first one's error."""
        if not files:
            return
        self.loads += 1
        if not background:
            self.settle()
            self._load(files)
            return
        self._submit(lambda: self._load(files))

    def _submit(self, load: Callable[[], None]) -> None:
        if any(future.done() and future.exception() is not None for future in self._loading):
            self.settle()  # a load failed: say so now, not after more batches are extracted
        if self._loaders is None:
            self._loaders = ThreadPoolExecutor(max_workers=self.LOADERS, thread_name_prefix="policykg-load")
        while len(self._loading) >= self.LOADERS:
            self._loading.pop(0).result()
        self._loading.append(self._loaders.submit(load))

    def carry(self, graphs: Iterable[str], folder: Path) -> None:
        """Copy these named graphs of the previous generation into this one as they are, written to
        N-Quads in ``folder`` and loaded in the background (like :meth:`load`): what a build that
        starts from an empty generation keeps of the one before."""
        graphs = sorted(graphs)
        if not graphs or self.previous is None:
            return
        handle, name = tempfile.mkstemp(prefix="carried-", suffix=".nq", dir=folder)
        os.close(handle)
        target = Path(name)
        previous = self.previous

        def dump() -> None:
            source = ox.Store.read_only(str(previous))
            with open(target, "wb") as output:
                ox.serialize((quad for graph in graphs for quad in source.quads_for_pattern(None, None, None, ox.NamedNode(graph))),
                             output, ox.RdfFormat.N_QUADS)
            self._load([target])

        self.loads += 1
        self._submit(dump)

    def sync_units(self, record: str, graph: str, units: Iterable[str], lines_of: Callable[[list[str]], list[str]]) -> int:
        """Make the named ``graph`` hold exactly the quads of ``units``; return how many quads changed.

        A unit is a string from which ``lines_of`` makes the same N-Quads lines every time (one
        quad a line, each quad always written the same way), and no two units make the same quad:
        a title match (its pair, score and reasons), or one N-Quads line. The units are recorded
        one a line in the file ``record`` of this generation, under a header with their number and
        quad count. When the previous generation recorded units under that name and this one holds
        that many quads in ``graph``, only the quads of the units that came or went are made and
        written: a build that changes one document changes a few of the corpus's tens of thousands
        of title matches, where making and comparing the quads of all of them took most of a
        one-document build (3 s at 1,000 documents; dropping and reloading the graph, 8 s).
        Without such a record the lines are written to a file and loaded in the background, never
        made into Python objects (at 1,000 documents, 216,000 quads of title matches: 0.6 s less).
        Blank nodes cannot be compared across loads, so lines with them are refused (ValueError),
        as are lines of another graph."""
        units = sorted(set(units))
        before = self._recorded_units(record, graph)
        if before is None:
            lines = self._checked(record, graph, lines_of(units))
            count = len(set(lines))
            self.drop([graph] if self._store.contains_named_graph(ox.NamedNode(graph)) else [])
            handle, name = tempfile.mkstemp(prefix="units-", suffix=".nq", dir=self.folder)
            with os.fdopen(handle, "w", encoding="utf-8") as output:
                output.writelines(lines)
            loaded = Path(name)

            def load() -> None:
                self._load([loaded])
                loaded.unlink()

            self.loads += 1
            self._submit(load)
            changed = count
        else:
            recorded, count = before
            now = set(units)
            removing = set(self._checked(record, graph, lines_of(sorted(recorded - now))))
            adding = set(self._checked(record, graph, lines_of(sorted(now - recorded))))
            for quad in ox.parse("".join(removing), format=ox.RdfFormat.N_QUADS):
                self._store.remove(quad)
            self._store.bulk_extend(ox.parse("".join(adding), format=ox.RdfFormat.N_QUADS))
            count += len(adding) - len(removing)
            changed = len(removing) + len(adding)
            if not count and self._store.contains_named_graph(ox.NamedNode(graph)):
                self._store.remove_graph(ox.NamedNode(graph))  # emptied: not listed as a graph, as after a fresh build
        body = "".join(unit + "\n" for unit in units)
        (self.folder / record).write_text(f"# policykg units: <{graph}> {len(units)} {count}\n{body}", encoding="utf-8")
        return changed

    @staticmethod
    def _checked(record: str, graph: str, lines: list[str]) -> list[str]:
        """Return N-Quads lines, each ending in a newline, once each is found to be one quad of
        ``graph`` written as policykg's writer and Oxigraph's serializer write it: IRIs and literals
        separated by single spaces, no blank node, no comment."""
        lines = [line if line.endswith("\n") else line + "\n" for line in lines]
        for line in lines:
            found = _QUAD_LINE.fullmatch(line)
            if found and found["graph"] == graph:
                continue
            if found:
                raise ValueError(f"{record}: a quad given for {graph} is in another graph: {line.strip()}")
            if _BLANK.search(line):
                raise ValueError(f"{record}: the quads of {graph} have blank nodes, which cannot be compared across loads")
            raise ValueError(f"{record}: not one quad of {graph} on one N-Quads line: {line.strip()[:200]}")
        return lines

    def _recorded_units(self, record: str, graph: str) -> tuple[set[str], int] | None:
        """The units the previous generation recorded for ``graph`` and their quad count, if the
        record is whole and this generation holds just that many quads in the graph."""
        if self.previous is None:
            return None
        try:
            header, _, data = (self.previous / record).read_text(encoding="utf-8").partition("\n")
        except (OSError, UnicodeDecodeError):
            return None
        found = re.fullmatch(r"# policykg units: <([^>]*)> (\d+) (\d+)", header)
        units = set(data.split("\n")) - {""}  # one a line (splitlines would also cut at U+2028, which a unit may hold)
        if not found or found[1] != graph or len(units) != int(found[2]):
            return None  # another graph's, or not the record its header describes
        self.settle()
        held = next(iter(self._store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")))["n"].value
        if held != found[3]:
            return None  # the record is not what the graph holds
        return units, int(found[3])

    def _load(self, files: list[Path]) -> None:
        with io.BufferedReader(_Concatenated(files), buffer_size=1 << 20) as stream:
            self._store.bulk_load(stream, ox.RdfFormat.N_QUADS)

    def graphs(self) -> set[str]:
        """The IRIs of the named graphs in this generation."""
        self.settle()
        return {graph.value for graph in self._store.named_graphs() if isinstance(graph, ox.NamedNode)}

    def settle(self) -> None:
        """Wait for the loads under way; raise the first one's error."""
        loading, self._loading = self._loading, []
        errors = [future.exception() for future in loading]  # every one waited for, before anything else touches the store
        for error in errors:
            if error is not None:
                raise error

    def infer(self, rules: list[str], graph: str) -> int:
        """Replace ``graph`` with what the rules derive from all graphs; return the triples added."""
        self.settle()
        self._store.remove_graph(ox.NamedNode(graph))
        return _infer(self._store, rules, ox.NamedNode(graph)) if rules else 0

    def finish(self, optimize: bool = False) -> float:
        """Wait for the loads, merge the sorted files they wrote if ``optimize``, and release the
        database; return the seconds the merge took.

        Each bulk load adds sorted files of its own, which every lookup has to search. Merging them
        into one run took 3–5 s, about a seventh of the build, at 1,000 documents (10 loads); without
        it the named queries took 45–80 % longer to evaluate."""
        self.settle()
        merged = 0.0
        if optimize and self._store is not None:
            started = time.perf_counter()
            self._store.optimize()
            merged = time.perf_counter() - started
        self.close()
        return merged

    def close(self) -> None:
        """Write everything to disk and release the database (once; later calls do nothing).
        Loads under way are waited for (their errors are left to :meth:`settle`)."""
        if self._loaders is not None:
            self._loaders.shutdown(wait=True)
            self._loaders = None
        if self._store is not None:
            store, self._store = self._store, None
            store.flush()


class KnowledgeStore:
    """A policykg store directory: ``KnowledgeStore("kg").query("SELECT …")``."""

    def __init__(self, path: str | os.PathLike = DEFAULT_PATH):
        self.path = Path(path)
        self.opened: Path | None = None  # the generation reader() opened last

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
            raise StoreError(self._foreign(found))
        if not (self.path / CURRENT).exists():
            raise StoreError(f"{self.path}: the store is empty; build it with `policykg build DOCUMENTS --store {self.path}`")

    def _foreign(self, found: str) -> str:
        return (f"{self.path}: store format {found!r} is not {FORMAT!r} (another version of policykg made it); "
                "build into a new --store path, or remove this one and build again")

    def reader(self) -> ox.Store:
        """Open the current generation read-only. It stays on disk while this process may still
        read it, even after a build has switched in a newer one."""
        return self.reader_of_generation()[0]

    def reader_of_generation(self) -> tuple[ox.Store, Path]:
        """Open the current generation read-only; return it with its folder (read together: in a
        threaded server ``self.opened`` may already name another thread's generation)."""
        self._check()
        for _ in range(10):
            generation = (self.path / CURRENT).resolve()
            if not _hold(generation):
                continue  # a build switched generations and removed this one just now: look again
            self.opened = generation
            try:
                return ox.Store.read_only(str(generation)), generation
            except (OSError, RuntimeError) as error:  # RocksDB reports a damaged database as a RuntimeError
                raise StoreError(f"{self.path}: cannot open the store: {' '.join(str(error).split())}") from None
        raise StoreError(f"{self.path}: the store changed ten times while being opened; try again")

    def query(self, sparql: str, bindings: Mapping[str, ox.Literal | ox.NamedNode] | None = None):
        """Run a SPARQL query over the union of all named graphs, with variables bound to values.

        Each binding fills the query's ``VALUES ?name { UNDEF }`` slot, or becomes a ``VALUES`` row
        at the start of the outermost WHERE group (:func:`bind_values`); the value is written by
        pyoxigraph's own term serialiser, so it cannot alter the query.
        """
        store = self.reader()
        if bindings:
            sparql = bind_values(sparql, bindings)
        return store.query(sparql, use_default_graph_as_union=True)

    def answer(self, sparql: str, bindings: Mapping[str, ox.Literal | ox.NamedNode] | None = None, limit: int | None = None):
        """Like :meth:`query`, but a SELECT's answer is kept with the generation and read back
        next time (see :mod:`policykg.answers`): for the named queries, which are asked again and
        again of a store that changes only by builds. With ``limit`` a kept answer gives only its
        first solutions, and their ``total``."""
        if bindings:
            sparql = bind_values(sparql, bindings)
        kept = answers.read(self.generation(), sparql, limit) if answers.keeps(sparql) else None  # read without opening the database
        if kept is not None:
            return kept
        store, generation = self.reader_of_generation()
        return answers.select(store, generation, sparql, limit)

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
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            handle = open(self.path / ".lock", "w")
        except OSError as error:
            raise StoreError(f"{self.path}: cannot write to the store ({error.strerror or error})") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(handle.fileno()).st_nlink == 0:  # got it as a failed first build removed the store with its lock
                raise BlockingIOError
        except BlockingIOError:
            handle.close()
            raise StoreError(f"{self.path}: another build is writing to this store; wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def release(self, keep_last: bool = True) -> None:
        """Let go of the generations of this store that this process opened, but for the one
        :meth:`reader` opened last (unless ``keep_last`` is false). Call it when no store object
        opened earlier is in use any more, as the endpoint's workers do after reopening."""
        _release(self.path.resolve(), self.opened if keep_last else None)

    def generation(self) -> Path:
        """Return the folder of the generation in use."""
        self._check()
        return (self.path / CURRENT).resolve()

    @contextmanager
    def scratch(self) -> Iterator[Path]:
        """A folder beside the store, on the same disk, for a build's intermediate files; removed
        afterwards (and by the next build's sweep if this one is killed)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            folder = Path(tempfile.mkdtemp(prefix=f".{self.path.name}-{SCRATCH}-", dir=self.path.parent))
        except OSError as error:
            raise StoreError(f"{self.path}: cannot write beside the store in {self.path.parent} ({error.strerror or error})") from None
        handle = open(folder / ".lock", "w")
        fcntl.flock(handle, fcntl.LOCK_EX)  # held while in use: a sweep only takes folders nobody holds
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            handle.close()

    @contextmanager
    def transaction(self, empty: bool = False) -> Iterator[Generation]:
        """Write a new generation: a checkpoint of the current one (or with ``empty``, an empty
        database, into which :meth:`Generation.carry` copies what is kept), changed through the
        :class:`Generation` given, and switched in when the block ends without an error.
        An error (or a kill) leaves the current generation as it was; a first build that fails
        leaves no store behind."""
        try:
            foreign = any(entry.name != ".lock" for entry in self.path.iterdir()) and not (self.path / MARKER).is_file()
        except FileNotFoundError:
            foreign = False
        if foreign:  # (a folder holding only a lock is a store another build is creating)
            raise StoreError(f"{self.path}: the folder exists and is not a policykg store; choose another --store path")
        made = not self.path.exists()
        with self._lock():
            first = not (self.path / MARKER).is_file()  # decided under the lock: a build turned away deletes nothing
            try:
                self._write_marker()
                self._sweep()
                fresh = self.path / f"gen-{uuid.uuid4().hex[:12]}"
                try:
                    current = self.path / CURRENT
                    previous = current.resolve() if current.exists() else None
                    if previous is not None and not empty:
                        ox.Store.read_only(str(previous)).backup(str(fresh))
                    generation = Generation(ox.Store(str(fresh)), fresh, previous)
                    try:
                        yield generation
                        generation.finish()
                    finally:
                        generation.close()
                    self._switch(fresh)
                except BaseException:
                    shutil.rmtree(fresh, ignore_errors=True)
                    raise
                self._sweep()
            except BaseException:
                if first:  # a first build that failed leaves no store behind: the folder too, if it made it
                    for entry in [self.path] if made else [entry for entry in self.path.iterdir() if entry.name != ".lock"]:
                        shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
                raise

    def _write_marker(self) -> None:
        marker = self.path / MARKER
        if not marker.is_file() or marker.read_text(encoding="utf-8").strip() != FORMAT:
            if marker.is_file():
                raise StoreError(self._foreign(marker.read_text(encoding="utf-8").strip()))
            marker.write_text(FORMAT + "\n", encoding="utf-8")

    def replace(self, graphs: Mapping[str, Iterable[ox.Quad]], remove: Iterable[str] = ()) -> None:
        """Atomically replace named graphs with new quads and drop others; all or nothing."""
        with self.transaction() as generation:
            generation.drop([*remove, *graphs])
            generation.add(quad for quads in graphs.values() for quad in quads)

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
        """Remove generations that are not current and that no process reads: left by an earlier
        swap or a killed build. A generation still being read is left for a later build."""
        current = (self.path / CURRENT).resolve() if (self.path / CURRENT).exists() else None
        _release(self.path.resolve(), current)  # this process's own reads of them are over
        for entry in self.path.parent.glob(f".{glob.escape(self.path.name)}-{SCRATCH}-*"):
            if entry.is_dir() and _abandoned(entry):
                shutil.rmtree(entry, ignore_errors=True)
        for entry in self.path.iterdir():
            if entry.name.startswith("gen-") and entry.resolve() != current:
                with open(_readers_lock(entry), "a") as handle:
                    try:
                        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue  # a reader has it open
                    shutil.rmtree(entry, ignore_errors=True)
                    _readers_lock(entry).unlink(missing_ok=True)
            elif entry.name.startswith(".current-"):
                entry.unlink(missing_ok=True)
            elif entry.name.startswith(".gen-") and entry.name.endswith(".readers") and not (self.path / entry.name[1:-8]).exists():
                entry.unlink(missing_ok=True)  # the lock of a generation already removed
