"""Build documents into the store: read, extract, turn into quads, write in one atomic swap."""

from __future__ import annotations

import glob
import hashlib
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from policykg import answers, search
from policykg.graph_builder import pipeline, reader, resolve, triples
from policykg.graph_builder.areas import AreaScheme
from policykg.graph_builder.gazetteer import Gazetteer
from policykg.store import KnowledgeStore


class BuildError(RuntimeError):
    """A build that wrote nothing (nothing to build, or ``strict`` and a file failed); the message says why."""


@dataclass
class BuildReport:
    documents: list[str] = field(default_factory=list)  # source files built
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (skipped file, file of the same document)
    unchanged: list[str] = field(default_factory=list)  # files skipped because their bytes did not change
    removed: list[str] = field(default_factory=list)  # graphs dropped (rebuilt under a new identity, or pruned)
    skipped: list[str] = field(default_factory=list)  # files in folders that are not documents
    failed: list[str] = field(default_factory=list)  # one message per file that could not be built, naming it
    notes: list[str] = field(default_factory=list)  # what a user should know of files that were built (bytes dropped …)
    quads: int = 0
    seconds: float = 0.0
    merge_seconds: float = 0.0  # of ``seconds``, merging the loads' sorted files (optimize)


def collect(paths: Iterable[str | Path]) -> tuple[list[Path], list[str], list[str]]:
    """Expand files, folders (recursively) and globs into document files.

    Returns (files, skipped files of other kinds found in folders, paths that match nothing).
    """
    files: list[Path] = []
    skipped: list[str] = []
    missing: list[str] = []
    for raw in paths:
        raw = str(raw)
        matches = [Path(match) for match in sorted(glob.glob(raw, recursive=True))] if glob.has_magic(raw) else [Path(raw)]
        if not matches or not (matches[0].exists() or matches[0].is_symlink()):
            missing.append(raw)
            continue
        for path in matches:
            if path.is_dir():
                for child in sorted(item for item in path.rglob("*") if item.is_file()):
                    if any(part.startswith(".") or part == "__pycache__" for part in child.relative_to(path).parts):
                        continue
                    if child.suffix.lower() in reader.READABLE_SUFFIXES and child.suffix:
                        files.append(child)
                    else:
                        skipped.append(str(child))
            else:
                files.append(path)
    unique = list(dict.fromkeys(files))
    return unique, skipped, missing


@dataclass
class Extracted:
    """One file's graph, written as N-Quads to ``quads`` (a file in the build's scratch folder),
    with what the writer needs besides: quad count, document titles and search index rows."""

    graph: str
    source: str
    kind: str
    quads: Path
    count: int
    titles: dict[str, set[str]]
    rows: list[tuple]
    notes: tuple[str, ...] = ()


def _extract_one(path: Path, gazetteer: Gazetteer, scratch: Path, max_bytes: int) -> Extracted | str:
    """Read and extract one file into an N-Quads file in ``scratch``; return what was written, or the error message."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # its name is not text: neither the graph nor a later build could name the file
        return f"{os.fsencode(path).decode('utf-8', 'backslashreplace')}: the file name is not valid UTF-8; rename the file"
    try:
        extraction = pipeline.extract(reader.read(path, max_bytes), gazetteer)
    except (reader.ReadError, pipeline.ExtractionError) as error:
        return str(error)
    except Exception as error:  # noqa: BLE001 - a fault of policykg's, not of the file: say so, and build the others
        return f"{path}: policykg failed on this file ({type(error).__name__}: {' '.join(str(error).split())}); please report it"
    written = triples.quads(extraction)
    longest = max((len(line.encode("utf-8")) for line in written.lines if len(line) > MAX_LINE_BYTES // 4), default=0)
    if longest > MAX_LINE_BYTES:  # its text, one literal: Oxigraph would stop the whole load at it
        return f"{path}: too large to store: its text is {longest / 2**20:.1f} MB as one N-Quads literal, and the store loads at most {MAX_LINE_BYTES / 2**20:.3g} MB a statement; split the file"
    graph = triples.graph_iri(extraction).value
    target = scratch / f"{hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24]}.nq"
    target.write_text("".join(written.lines), encoding="utf-8")
    return Extracted(graph, extraction.source.path, extraction.source.format, target, len(written.lines),
                     triples.document_titles(written.statements), search.index_rows(graph, written.statements), extraction.source.notes)


_WORKER: list[tuple[Gazetteer, Path, int]] = []


def _start_worker(gazetteer: Gazetteer, scratch: Path, max_bytes: int, parent: int) -> None:
    from policykg.sparql import _die_with_parent

    _die_with_parent()  # a build killed with SIGKILL takes its workers with it, instead of leaving them waiting forever
    if os.getppid() != parent:
        os._exit(0)  # it died while this worker was starting, before it could ask to die with it
    _WORKER.append((gazetteer, scratch, max_bytes))  # the caller's gazetteer (--gazetteer), not the packaged one


def _extract_in_worker(path: Path):
    return _extract_one(path, *_WORKER[0])


@dataclass
class _Plan:
    """What one build is to do, worked out before the store is opened for writing."""

    todo: list[Path]  # files to extract
    built: dict[str, tuple[str, str, str]]  # file → (graph, sha256, extractor version) of what the store holds
    failures: list[str]  # messages of what failed so far (paths that match nothing)
    pruned: list[str]  # graphs of files that are gone, to drop (--prune)
    gazetteer: Gazetteer
    jobs: int = 1
    infer: bool = False
    inferring: bool = False  # --infer and the store has no inferred graph yet
    strict: bool = False
    max_bytes: int = reader.MAX_BYTES
    on_document: Callable[[str], None] | None = None
    present: set[str] = field(default_factory=set)  # the named graphs of the generation the build starts from (read under the lock)
    replaced: set[str] = field(default_factory=set)  # graphs of the files to do (and to prune) that the store holds
    rewrite: bool = False  # start from an empty generation and carry over what stays (see REWRITE_SHARE)
    optimize: bool | None = None  # merge the store's files: None when more than one batch of documents was loaded


def _extract_all(plan: _Plan, scratch: Path) -> Iterator[Extracted | str]:
    """Yield the outcome of each file; ``plan.jobs`` > 1 extracts in that many processes.

    A worker that dies (killed, out of memory) takes the files it was given down with it: those
    are extracted again in a fresh pool, and what fails there again once more each in a process
    of its own, so that only the file that kills its process is reported, and the others are built."""
    if plan.jobs > 1 and len(plan.todo) > 1:
        undone = yield from _extract_in_pool(plan, scratch, plan.todo, plan.jobs)
        if undone:
            undone = yield from _extract_in_pool(plan, scratch, undone, plan.jobs)
        for path in undone:
            if (yield from _extract_in_pool(plan, scratch, [path], 1)):
                yield f"{path}: not built: the process extracting it died (killed, or out of memory)"
    else:
        for path in plan.todo:
            yield _extract_one(path, plan.gazetteer, scratch, plan.max_bytes)


def _extract_in_pool(plan: _Plan, scratch: Path, paths: list[Path], jobs: int) -> Generator[Extracted | str, None, list[Path]]:
    """Yield the outcome of each file extracted in a pool of ``jobs`` processes, in order; return
    the files a dying worker left without one."""
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(plan.gazetteer, scratch, plan.max_bytes, os.getpid()))
    undone = []
    try:
        for path, future in zip(paths, [pool.submit(_extract_in_worker, path) for path in paths]):
            try:
                yield future.result()
            except BrokenProcessPool:
                undone.append(path)
    finally:  # also when the writer stops early: cancel what has not started, wait for what has
        pool.shutdown(wait=True, cancel_futures=True)
    return undone


def build(
    paths: Iterable[str | Path],
    store: KnowledgeStore,
    gazetteer: Gazetteer | None = None,
    on_document: Callable[[str], None] | None = None,
    infer: bool = False,
    jobs: int = 1,
    prune: bool = False,
    strict: bool = False,
    max_bytes: int = reader.MAX_BYTES,
    optimize: bool | None = None,
) -> BuildReport:
    """Build the documents at ``paths`` into ``store`` in one atomic change.

    A file that cannot be read or extracted is listed in ``BuildReport.failed`` and the others are
    built; what the store held from that file stays as it was. With ``strict`` the first failure
    raises BuildError and nothing is written. A file whose bytes are unchanged since it was last
    built is skipped; a changed one replaces its graph. ``jobs`` > 1 extracts in that many
    processes (the store has one writer: this one). ``prune`` also drops the graphs of files
    that no longer exist. A file larger than ``max_bytes`` is refused. ``optimize`` merges the
    store's files once everything is loaded (see :meth:`Generation.finish`): by default when more
    than one batch of documents was loaded; True merges them even when nothing else changed (after
    many small builds), False never.
    """
    started = time.perf_counter()
    files, skipped, missing = collect(paths)
    failures = [f"{path}: no such file or folder" for path in missing]
    if failures and strict:
        raise BuildError(failures[0])
    if not files:
        raise BuildError("; ".join(failures) if failures else "no documents found (policykg reads .txt and .html files)")
    report = BuildReport(skipped=skipped, failed=failures)
    built = _built(store)
    gazetteer = gazetteer or Gazetteer.load()
    version = triples.extractor_version(gazetteer)
    todo = []
    for path in files:
        known = built.get(str(path.resolve()))
        if known and known[2] == version and _unchanged(path, known[1], max_bytes):
            report.unchanged.append(str(path))
            if on_document:
                on_document(str(path))
        else:
            todo.append(path)
    pruned = sorted({graph for file, (graph, _, _) in built.items() if not Path(file).exists()}) if prune else []
    inferring = infer and triples.INFERRED_GRAPH.value not in _graphs(store)
    plan = _Plan(todo, built, failures, pruned, gazetteer, jobs, infer, inferring, strict, max_bytes, on_document, optimize=optimize)
    plan.replaced = ({built[file][0] for file in _resolved(todo) if file in built} - {built[file][0] for file in _resolved(report.unchanged)}) | set(pruned)
    plan.rewrite = bool(plan.replaced) and len(plan.replaced) >= REWRITE_SHARE * len({graph for graph, _, _ in built.values()})
    if todo or pruned or inferring or optimize:
        try:
            _write(store, plan, report)
        except _Unchanged:
            pass  # every file to do failed or was a copy of a document already built: the store stays as it is
    report.seconds = time.perf_counter() - started
    return report


def _resolved(paths: Iterable[str | Path]) -> list[str]:
    return [str(Path(path).resolve()) for path in paths]


def _unchanged(path: Path, sha256: str, max_bytes: int) -> bool:
    try:
        return path.is_file() and path.stat().st_size <= max_bytes and hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False  # unreadable now: the reader will say why


class _Unchanged(Exception):
    """Raised inside a store transaction to drop it: nothing it would write differs."""


def _write(store: KnowledgeStore, plan: _Plan, report: BuildReport) -> None:
    """Extract the files to do and write them, the shared graphs and the search index into a new generation."""
    with store.scratch() as scratch, store.transaction(empty=plan.rewrite) as generation:
        # read under the store's lock: another build may have switched in since
        plan.present = set(store.graphs()) - plan.replaced - triples.SHARED_GRAPHS if plan.rewrite else generation.graphs()
        ontology = triples.ontology_quads()
        generation.drop([triples.ONTOLOGY_GRAPH.value] if triples.ONTOLOGY_GRAPH.value in plan.present else [])
        generation.add(ontology)  # not loaded from a file (a bulk load renames its blank nodes); first, as adding waits for the loads
        if plan.rewrite:  # most graphs are replaced: copying the few that stay is cheaper than dropping the rest one by one
            generation.carry(plan.present, scratch)
        with closing(_extract_all(plan, scratch)) as outcomes:
            chosen, copies = _load(generation, outcomes, report, plan)
        if plan.rewrite:  # a file that failed keeps what it had
            done = set(_resolved(extracted.source for extracted in chosen.values())) | set(_resolved(copies))
            lost = {plan.built[file][0] for file in _resolved(plan.todo) if file in plan.built and file not in done} - set(chosen) - plan.present
            generation.carry(lost, scratch)
            plan.present |= lost
        batches = generation.loads  # of documents: one batch (a few changed files) is not worth merging the whole store for
        rebuilt = [Path(extracted.source) for extracted in chosen.values()] + copies  # a copy's earlier identity goes too
        removed = sorted((set(_earlier_graphs(store, rebuilt, set(chosen))) | set(plan.pruned)) - set(chosen))
        if not chosen and not removed and not plan.inferring:
            if not plan.optimize or generation.previous is None:
                raise _Unchanged
            if not plan.rewrite:
                _merge_only(generation, report)  # asked to merge, and nothing else to write
                return
            # (a generation started empty holds only what was carried: the rest is written below, then merged)
        generation.drop([graph for graph in removed if graph in plan.present])
        titles = _titles_after(store, {graph: extracted.titles for graph, extracted in chosen.items()}, set(removed))
        areas = triples.area_quads(AreaScheme.load())
        rows = {graph: extracted.rows for graph, extracted in chosen.items()} | {
            triples.ONTOLOGY_GRAPH.value: search.index_rows(triples.ONTOLOGY_GRAPH.value, triples.statements(ontology)),
            triples.AREAS_GRAPH.value: search.index_rows(triples.AREAS_GRAPH.value, areas.statements)}
        with ThreadPoolExecutor(max_workers=1) as indexer:  # the search index is written while the last loads run
            indexed = indexer.submit(search.update_index, generation.folder, generation.previous, rows, removed)
            matches = _write_corpus_graphs(generation, areas, titles, plan.gazetteer.place_names)
            if plan.infer:
                from policykg.ontology.rules import rules

                generation.infer(rules(), triples.INFERRED_GRAPH.value)
            elif triples.INFERRED_GRAPH.value in plan.present:
                generation.drop([triples.INFERRED_GRAPH.value])  # what was inferred from the graphs before is stale now
            # a batch of documents is not worth merging the store for; what --infer bulk-loads (a pass of rules at a time) is
            report.merge_seconds = generation.finish(optimize=(batches > 1 or plan.infer) if plan.optimize is None else plan.optimize)
            indexed.result()
    report.documents = sorted(extracted.source for extracted in chosen.values())
    report.removed = removed
    report.quads = sum(extracted.count for extracted in chosen.values()) + len(ontology) + len(areas.lines) + matches


def _merge_only(generation, report: BuildReport) -> None:
    """Merge the store's files and carry the rest of the previous generation over as it is: its
    index, its record of the shared graphs and the answers kept for it (the graph is the same)."""
    search.update_index(generation.folder, generation.previous, {}, [])
    for record in (SHARED_RECORD, MATCH_RECORD, TITLES_RECORD):
        if (generation.previous / record).is_file():
            shutil.copyfile(generation.previous / record, generation.folder / record)
    answers.carry(generation.previous, generation.folder)
    report.merge_seconds = generation.finish(optimize=True)


def _write_corpus_graphs(generation, areas: triples.DocumentQuads, titles: dict[str, dict[str, set[str]]], places: tuple[str, ...]) -> int:
    """Write the graphs drawn from the whole corpus rather than from one document: the policy
    ``areas``, and the title matches among the documents' ``titles`` (by graph, as
    :func:`_titles_after` gives them), whose jurisdiction prefixes are the gazetteer's ``places``.
    Each is changed only where it differs from what the previous generation recorded; the titles
    and places are recorded for the next build or removal. Return the quads of the title matches."""
    documents: dict[str, set[str]] = {}
    for held in titles.values():
        for document, forms in held.items():
            documents.setdefault(document, set()).update(forms)
    found = {_match_unit(match): match for match in resolve.matches(documents, places)}

    def lines_of(units: list[str]) -> list[str]:  # a match that went is made again from its line of the record
        return triples.resolution_lines([found[unit] if unit in found else _match(unit) for unit in units])

    # the matches first: making their lines overlaps the loads still under way
    generation.sync_units(MATCH_RECORD, triples.RESOLUTION_GRAPH.value, found, lines_of)
    generation.sync_units(SHARED_RECORD, triples.AREAS_GRAPH.value, [line.rstrip("\n") for line in areas.lines], lambda units: units)
    record = {"places": list(places),
              "graphs": {graph: {document: sorted(forms) for document, forms in sorted(held.items())} for graph, held in sorted(titles.items())}}
    (generation.folder / TITLES_RECORD).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return sum(7 + len(match.reasons) for match in found.values())  # the quads of a match (resolution_lines)


def _match_unit(match: resolve.Match) -> str:
    """A title match as a line of the match record, from which :func:`_match` makes it again."""
    return json.dumps([match.first, match.second, match.score, list(match.reasons)], ensure_ascii=False)


def _match(unit: str) -> resolve.Match:
    first, second, score, reasons = json.loads(unit)
    return resolve.Match(first, second, score, tuple(reasons))


# A build that replaces at least this share of the store's document graphs (the corpus moved, or
# another version of policykg extracts every document again) writes an empty generation and copies
# into it the graphs that stay, instead of dropping the replaced ones from a checkpoint: a drop
# costs about 10 µs a quad, a copy a few. At 1,000 documents, rebuilding all of them took 64 s
# through drops and 24 s through an empty generation, as long as the first build.
REWRITE_SHARE = 0.5
SHARED_RECORD = "shared.nq"  # in each generation: the graph of policy areas, an N-Quads line a unit (Generation.sync_units)
MATCH_RECORD = "matches.txt"  # in each generation: its title matches, one a line, to write only those a build changes
TITLES_RECORD = "titles.json"  # in each generation: the document titles of each document graph and the place names matched with
MAX_LINE_BYTES = 16 * 2**20 - 2**16  # Oxigraph's N-Quads parser holds at most 16 MiB of one statement
BATCH_QUADS = 250_000  # quads bulk-loaded at once: bounds the loader's memory, and loading overlaps extraction


def _load(generation, outcomes: Iterable[Extracted | str], report: BuildReport, plan: _Plan) -> tuple[dict[str, Extracted], list[Path]]:
    """Load each file's graph into the new generation as extraction yields it, in batches; return
    the graph chosen for each document and the files that were copies of another file's document.
    A file that failed is added to ``plan.failures``; with ``plan.strict`` the first one raises BuildError."""
    kind_of = lambda path: "html" if Path(path).suffix.lower() in reader.HTML_SUFFIXES else "text"  # noqa: E731
    kept = {plan.built[str(Path(path).resolve())][0]: (path, kind_of(path)) for path in report.unchanged}
    chosen: dict[str, Extracted] = {}
    copies: list[Path] = []
    batch: list[Extracted] = []
    present = set(plan.present)  # graphs the generation may hold: only those are dropped (a drop waits for the loads)
    stale: list[str] = []
    for outcome in outcomes:
        if plan.on_document:
            plan.on_document(outcome if isinstance(outcome, str) else outcome.source)
        if isinstance(outcome, str):
            if plan.strict:
                raise BuildError(outcome)
            plan.failures.append(outcome)
            continue
        report.notes.extend(outcome.notes)
        graph, source, earlier = outcome.graph, outcome.source, chosen.get(outcome.graph)
        if graph in kept and not _prefer_path((source, outcome.kind), kept[graph]):  # an unchanged copy of it stays
            report.duplicates.append((source, kept[graph][0]))
            copies.append(Path(source))
        elif earlier is not None and not _prefer_path((source, outcome.kind), (earlier.source, earlier.kind)):
            report.duplicates.append((source, earlier.source))
            copies.append(Path(source))
        else:
            if earlier is not None:  # the same document twice (a page and its text): keep the text
                report.duplicates.append((earlier.source, source))
                copies.append(Path(earlier.source))
                batch = [extracted for extracted in batch if extracted is not earlier]
            chosen[graph] = outcome
            if graph in present:  # its previous version, from the last build or from this one: dropped before its batch loads
                stale.append(graph)
            present.add(graph)
            batch.append(outcome)
            if sum(extracted.count for extracted in batch) >= BATCH_QUADS:
                generation.drop(stale)  # (waits for the loads under way)
                generation.load([extracted.quads for extracted in batch], background=True)
                batch, stale = [], []
    generation.drop(stale)
    generation.load([extracted.quads for extracted in batch], background=True)
    return chosen, copies


def remove(paths: Iterable[str | Path], store: KnowledgeStore) -> list[str]:
    """Drop the graphs built from these files, or from any file under these folders; return them."""
    wanted = [Path(path).resolve() for path in paths]
    built = _built(store)
    graphs = sorted({graph for file, (graph, _, _) in built.items() if any(Path(file) == path or path in Path(file).parents for path in wanted)})
    if not graphs:
        raise BuildError(f"nothing in {store.path} was built from {', '.join(map(str, paths))}")
    with store.transaction() as generation:
        titles, places = _titles_after(store, {}, set(graphs)), _places_held(store)
        generation.drop([*graphs, triples.INFERRED_GRAPH.value])  # inferred from what is gone: dropped, as by a build without --infer
        areas = triples.area_quads(AreaScheme.load())
        _write_corpus_graphs(generation, areas, titles, Gazetteer.load().place_names if places is None else places)
        search.update_index(generation.folder, generation.previous, {triples.AREAS_GRAPH.value: search.index_rows(triples.AREAS_GRAPH.value, areas.statements)}, graphs)
    return graphs


_TITLES = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
SELECT ?graph ?document ?title WHERE { GRAPH ?graph { ?document a pkg:PolicyDocument ; pkg:title ?title } }"""


def _titles_after(store: KnowledgeStore, graphs: dict[str, dict[str, set[str]]], removed: set[str]) -> dict[str, dict[str, set[str]]]:
    """Return the titles of the documents of each document graph the store will hold once this
    build is written; ``graphs`` maps each graph being written to its documents' titles."""
    held = _titles_held(store) if store.exists() else {}
    return {graph: documents for graph, documents in held.items() if graph not in removed} | graphs


def _titles_held(store: KnowledgeStore) -> dict[str, dict[str, set[str]]]:
    """The titles of the documents of each document graph in the store: from the record its
    generation keeps (:data:`TITLES_RECORD`) when it lists just the graphs the store holds, else
    (a store written before there was one) read from the graphs, which took 0.5 s at 1,000
    documents."""
    documents = set(store.graphs()) - triples.SHARED_GRAPHS
    recorded = _titles_record(store).get("graphs")
    if isinstance(recorded, dict) and set(recorded) == documents:
        return {graph: {document: set(forms) for document, forms in held.items()} for graph, held in recorded.items()}
    titles: dict[str, dict[str, set[str]]] = {graph: {} for graph in documents}
    for row in store.query(_TITLES):
        if row["graph"].value in titles:
            titles[row["graph"].value].setdefault(row["document"].value, set()).add(row["title"].value)
    return titles


def _places_held(store: KnowledgeStore) -> tuple[str, ...] | None:
    """The place names the store's title matches were made with (those of the gazetteer of its
    last build, which may be a ``--gazetteer`` of the user's), or None when it did not record them."""
    places = _titles_record(store).get("places")
    return tuple(places) if isinstance(places, list) and all(isinstance(place, str) for place in places) else None


def _titles_record(store: KnowledgeStore) -> dict:
    try:
        record = json.loads((store.generation() / TITLES_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


_SOURCES = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
SELECT DISTINCT ?graph ?file WHERE { GRAPH ?graph { ?document pkg:sourceFile ?file } }"""


def _earlier_graphs(store: KnowledgeStore, files: list[Path], keep: set[str]) -> list[str]:
    """Return the graphs an earlier build made from these files under another identity
    (its title or 文号 has since changed): building a file replaces all it made before."""
    if not store.exists():
        return []
    rebuilt = set(_resolved(files))
    return sorted({row["graph"].value for row in store.query(_SOURCES) if row["file"].value in rebuilt} - keep)


def _prefer_path(new: tuple[str, str], old: tuple[str, str]) -> bool:
    """Between two copies of one document (path, format), prefer plain text to HTML, then the first path."""
    rank = {"text": 0, "html": 1}
    return (rank[new[1]], new[0]) < (rank[old[1]], old[0])


_BUILT = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
SELECT DISTINCT ?graph ?file ?hash ?version WHERE {
  GRAPH ?graph { ?document pkg:sourceFile ?file ; pkg:sourceHash ?hash OPTIONAL { ?document pkg:extractorVersion ?version } } }"""


def _built(store: KnowledgeStore) -> dict[str, tuple[str, str, str]]:
    """Map each file built into the store to (its graph, the sha256 of its bytes then, the
    extractor version that built it: "" for a graph built before versions were recorded)."""
    if not store.exists():
        return {}
    return {row["file"].value: (row["graph"].value, row["hash"].value, row["version"].value if row["version"] else "")
            for row in store.query(_BUILT)}


def _graphs(store: KnowledgeStore) -> list[str]:
    return store.graphs() if store.exists() else []
