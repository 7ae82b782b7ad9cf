"""Build documents into the store: read, extract, turn into quads, write in one atomic swap."""

from __future__ import annotations

import glob
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

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


def build(
    paths: Iterable[str | Path],
    store: KnowledgeStore,
    gazetteer: Gazetteer | None = None,
    on_document: Callable[[str], None] | None = None,
    infer: bool = False,
) -> BuildReport:
    """Build the documents at ``paths`` into ``store``; raise BuildError and change nothing if any fails."""
    started = time.perf_counter()
    gazetteer = gazetteer or Gazetteer.load()
    files, skipped, missing = collect(paths)
    failures = [f"{path}: no such file or folder" for path in missing]
    if not files and not failures:
        failures.append("no documents found (policykg reads .txt and .html files)")
    report = BuildReport(skipped=skipped)
    extractions: dict[str, pipeline.Extraction] = {}
    for path in files:
        try:
            extraction = pipeline.extract(reader.read(path), gazetteer)
        except (reader.ReadError, pipeline.ExtractionError) as error:
            failures.append(str(error))
            continue
        if on_document:
            on_document(str(path))
        graph = triples.graph_iri(extraction).value
        earlier = extractions.get(graph)
        if earlier is None:
            extractions[graph] = extraction
        elif _prefer(extraction, earlier):  # the same document twice (a page and its text): keep the text
            report.duplicates.append((earlier.source.path, extraction.source.path))
            extractions[graph] = extraction
        else:
            report.duplicates.append((extraction.source.path, earlier.source.path))
    if failures:
        raise BuildError("; ".join(failures))
    graphs = {graph: triples.quads(extraction) for graph, extraction in extractions.items()}
    graphs[triples.ONTOLOGY_GRAPH.value] = triples.ontology_quads()
    graphs[triples.AREAS_GRAPH.value] = triples.area_quads(AreaScheme.load())
    removed = _earlier_graphs(store, files, set(graphs))
    graphs[triples.RESOLUTION_GRAPH.value] = triples.resolution_quads(
        resolve.matches(_titles_after(store, graphs, set(removed)), gazetteer.place_names)
    )
    from policykg.ontology.rules import rules

    store.replace(graphs, remove=removed, beside=search.update_index, rules=rules() if infer else None, inferred=triples.INFERRED_GRAPH.value)
    report.documents = sorted(extraction.source.path for extraction in extractions.values())
    report.quads = sum(len(quads) for quads in graphs.values())
    report.seconds = time.perf_counter() - started
    return report


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


def _prefer(new: pipeline.Extraction, old: pipeline.Extraction) -> bool:
    """Between two copies of one document, prefer plain text to HTML, then the first path."""
    rank = {"text": 0, "html": 1}
    return (rank[new.source.format], new.source.path) < (rank[old.source.format], old.source.path)
