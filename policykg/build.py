"""Build documents into the store: read, extract, turn into quads, write in one atomic swap."""

from __future__ import annotations

import glob
import hashlib
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from policykg.graph_builder import pipeline, reader, resolve, triples
from policykg.graph_builder.areas import AreaScheme
from policykg.graph_builder.gazetteer import Gazetteer
from policykg import search
from policykg.store import KnowledgeStore


class BuildError(RuntimeError):
    """A build that wrote nothing; the message lists every file that failed and why."""


@dataclass
class BuildReport:
    documents: list[str] = field(default_factory=list)  # source files built
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (skipped file, file of the same document)
    unchanged: list[str] = field(default_factory=list)  # files skipped because their bytes did not change
    removed: list[str] = field(default_factory=list)  # graphs dropped (rebuilt under a new identity, or pruned)
    skipped: list[str] = field(default_factory=list)  # files in folders that are not documents
    quads: int = 0
    seconds: float = 0.0


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
        if not matches or not matches[0].exists():
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


def _extract_one(path: Path, gazetteer: Gazetteer) -> tuple[str, str, str, bytes] | str:
    """Read and extract one file; return (graph, path, format, N-Quads) or the error message."""
    try:
        extraction = pipeline.extract(reader.read(path), gazetteer)
    except (reader.ReadError, pipeline.ExtractionError) as error:
        return str(error)
    quads = triples.quads(extraction)
    return triples.graph_iri(extraction).value, extraction.source.path, extraction.source.format, ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


_WORKER_GAZETTEER: list[Gazetteer] = []


def _start_worker(gazetteer: Gazetteer) -> None:
    _WORKER_GAZETTEER.append(gazetteer)  # the caller's gazetteer (--gazetteer), not the packaged one


def _extract_in_worker(path: Path):
    return _extract_one(path, _WORKER_GAZETTEER[0])


def build(
    paths: Iterable[str | Path],
    store: KnowledgeStore,
    gazetteer: Gazetteer | None = None,
    on_document: Callable[[str], None] | None = None,
    infer: bool = False,
    jobs: int = 1,
    prune: bool = False,
) -> BuildReport:
    """Build the documents at ``paths`` into ``store``; raise BuildError and change nothing if any fails.

    A file whose bytes are unchanged since it was last built is skipped; a changed one replaces
    its graph. ``jobs`` > 1 extracts in that many processes (the store has one writer: this one).
    ``prune`` also drops the graphs of files that no longer exist.
    """
    started = time.perf_counter()
    gazetteer = gazetteer or Gazetteer.load()
    files, skipped, missing = collect(paths)
    failures = [f"{path}: no such file or folder" for path in missing]
    if not files and not failures:
        failures.append("no documents found (policykg reads .txt and .html files)")
    report = BuildReport(skipped=skipped)
    built = _built(store)
    todo = []
    for path in files:
        known = built.get(str(path.resolve()))
        if known and path.is_file() and known[1] == hashlib.sha256(path.read_bytes()).hexdigest():
            report.unchanged.append(str(path))
            if on_document:
                on_document(str(path))
        else:
            todo.append(path)
    if jobs > 1 and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_start_worker, initargs=(gazetteer,)) as pool:
            outcomes = list(pool.map(_extract_in_worker, todo, chunksize=max(1, len(todo) // (jobs * 8))))
    else:
        outcomes = [_extract_one(path, gazetteer) for path in todo]
    kind_of = lambda path: "html" if Path(path).suffix.lower() in reader.HTML_SUFFIXES else "text"  # noqa: E731
    kept = {built[str(Path(path).resolve())][0]: (path, kind_of(path)) for path in report.unchanged}
    chosen: dict[str, tuple[str, str, bytes]] = {}
    for outcome in outcomes:
        if isinstance(outcome, str):
            failures.append(outcome)
            continue
        graph, source, kind, data = outcome
        if on_document:
            on_document(source)
        if graph in kept and not _prefer_path((source, kind), kept[graph]):  # an unchanged copy of it stays
            report.duplicates.append((source, kept[graph][0]))
            continue
        earlier = chosen.get(graph)
        if earlier is None:
            chosen[graph] = (source, kind, data)
        elif _prefer_path((source, kind), earlier[:2]):  # the same document twice (a page and its text): keep the text
            report.duplicates.append((earlier[0], source))
            chosen[graph] = (source, kind, data)
        else:
            report.duplicates.append((source, earlier[0]))
    if failures:
        raise BuildError("; ".join(failures))
    graphs = {graph: list(ox.parse(data, format=ox.RdfFormat.N_QUADS)) for graph, (_, _, data) in chosen.items()}
    removed = _earlier_graphs(store, [Path(source) for source, _, _ in chosen.values()], set(graphs))
    if prune:
        removed = sorted(set(removed) | {graph for file, (graph, _) in built.items() if not Path(file).exists()})
    report.documents = sorted(source for source, _, _ in chosen.values())
    if not graphs and not removed and not (infer and triples.INFERRED_GRAPH.value not in _graphs(store)):
        report.seconds = time.perf_counter() - started  # nothing changed: the store stays as it is
        return report
    graphs[triples.ONTOLOGY_GRAPH.value] = triples.ontology_quads()
    graphs[triples.AREAS_GRAPH.value] = triples.area_quads(AreaScheme.load())
    graphs[triples.RESOLUTION_GRAPH.value] = triples.resolution_quads(
        resolve.matches(_titles_after(store, graphs, set(removed)), gazetteer.place_names)
    )
    from policykg.ontology.rules import rules

    store.replace(graphs, remove=removed, beside=search.update_index, rules=rules() if infer else None, inferred=triples.INFERRED_GRAPH.value)
    report.removed = removed
    report.quads = sum(len(quads) for quads in graphs.values())
    report.seconds = time.perf_counter() - started
    return report


def remove(paths: Iterable[str | Path], store: KnowledgeStore) -> list[str]:
    """Drop the graphs built from these files, or from any file under these folders; return them."""
    wanted = [Path(path).resolve() for path in paths]
    built = _built(store)
    graphs = sorted({graph for file, (graph, _) in built.items() if any(Path(file) == path or path in Path(file).parents for path in wanted)})
    if not graphs:
        raise BuildError(f"nothing in {store.path} was built from {', '.join(map(str, paths))}")
    gazetteer = Gazetteer.load()
    shared = {triples.RESOLUTION_GRAPH.value: triples.resolution_quads(resolve.matches(_titles_after(store, {}, set(graphs)), gazetteer.place_names))}
    store.replace(shared, remove=graphs, beside=search.update_index)
    return graphs


_TITLES = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
SELECT ?graph ?document ?title WHERE { GRAPH ?graph { ?document a pkg:PolicyDocument ; pkg:title ?title } }"""


def _titles_after(store: KnowledgeStore, graphs: dict[str, list], removed: set[str]) -> dict[str, set[str]]:
    """Return every document title the store will hold once this build is written."""
    titles: dict[str, set[str]] = {}
    if store.exists():
        for row in store.query(_TITLES):
            if row["graph"].value not in graphs and row["graph"].value not in removed:
                titles.setdefault(row["document"].value, set()).add(row["title"].value)
    for quads in graphs.values():
        for document, written in triples.document_titles(quads).items():
            titles.setdefault(document, set()).update(written)
    return titles


_SOURCES = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
SELECT DISTINCT ?graph ?file WHERE { GRAPH ?graph { ?document pkg:sourceFile ?file } }"""


def _earlier_graphs(store: KnowledgeStore, files: list[Path], keep: set[str]) -> list[str]:
    """Return the graphs an earlier build made from these files under another identity
    (its title or 文号 has since changed): building a file replaces all it made before."""
    if not store.exists():
        return []
    rebuilt = {str(path.resolve()) for path in files}
    return sorted({row["graph"].value for row in store.query(_SOURCES) if row["file"].value in rebuilt} - keep)


def _prefer_path(new: tuple[str, str], old: tuple[str, str]) -> bool:
    """Between two copies of one document (path, format), prefer plain text to HTML, then the first path."""
    rank = {"text": 0, "html": 1}
    return (rank[new[1]], new[0]) < (rank[old[1]], old[0])


_BUILT = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
SELECT DISTINCT ?graph ?file ?hash WHERE { GRAPH ?graph { ?document pkg:sourceFile ?file ; pkg:sourceHash ?hash } }"""


def _built(store: KnowledgeStore) -> dict[str, tuple[str, str]]:
    """Map each file built into the store to (its graph, the sha256 of its bytes then)."""
    if not store.exists():
        return {}
    return {row["file"].value: (row["graph"].value, row["hash"].value) for row in store.query(_BUILT)}


def _graphs(store: KnowledgeStore) -> list[str]:
    return store.graphs() if store.exists() else []
