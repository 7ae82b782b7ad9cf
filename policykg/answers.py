"""Answers of named queries, kept with the store generation that gave them.

A generation never changes once a build has switched it in, so neither does the answer of a
query on it. The first run of a named query evaluates it and writes its solutions as SPARQL
TSV (which writes every RDF term exactly, datatype and language included) into the
generation's ``answers/`` folder; later runs read them back, parsed by Oxigraph: tens of
milliseconds for tens of thousands of rows, where evaluating them takes seconds at 1,000
documents. A build writes a new generation, which starts with no answers, so a kept answer
is never stale; it is removed with its generation.

Keeping is best effort: a generation this process may only read, a full disk or an answer
over :data:`MAX_BYTES` just means the query is evaluated again next time. A kept file that
cannot be parsed is evaluated again and overwritten.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from pathlib import Path

import pyoxigraph as ox

FOLDER = "answers"
MAX_BYTES = 64 * 2**20  # larger answers are evaluated each time rather than kept
MAX_FILES = 2000  # per generation: parameterised queries keep one answer per set of values
_TSV = ox.QueryResultsFormat.TSV
# functions whose value changes from one evaluation to the next: a query that calls one is never
# kept (looked for anywhere in the text, strings included: keeping too little is only slower)
_VOLATILE = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)


def path(generation: Path, sparql: str) -> Path:
    """Where the answer of ``sparql`` (with its values bound) on ``generation`` is kept."""
    return Path(generation) / FOLDER / f"{hashlib.sha256(sparql.encode('utf-8')).hexdigest()[:32]}.tsv"


def read(generation: Path, sparql: str) -> ox.QuerySolutions | None:
    """The answer kept for ``sparql`` on ``generation``, or None when there is none (or it
    cannot be read). Needs no database: a file, read whole even if a build removes it meanwhile."""
    try:
        return ox.parse_query_results(path(generation, sparql).read_bytes(), _TSV)
    except (OSError, SyntaxError, ValueError):
        return None


def select(store: ox.Store, generation: Path, sparql: str):
    """Answer ``sparql`` over the union of the graphs of ``store`` (opened on ``generation``):
    from the answer kept for it, else by evaluating it and keeping a SELECT's solutions."""
    kept = read(generation, sparql)
    if kept is not None:
        return kept
    result = store.query(sparql, use_default_graph_as_union=True)
    if not isinstance(result, ox.QuerySolutions) or _VOLATILE.search(sparql):
        return result
    buffer = io.BytesIO()
    result.serialize(buffer, _TSV)
    data = buffer.getvalue()
    _keep(path(generation, sparql), data)
    return ox.parse_query_results(data, _TSV)


def _keep(kept: Path, data: bytes) -> None:
    if len(data) > MAX_BYTES:
        return
    part = None
    try:
        kept.parent.mkdir(exist_ok=True)
        if sum(1 for _ in kept.parent.iterdir()) >= MAX_FILES:
            return
        with tempfile.NamedTemporaryFile(dir=kept.parent, prefix=".", suffix=".part", delete=False) as handle:
            part = handle.name
            handle.write(data)
        os.replace(part, kept)  # readers see the whole answer or none
    except OSError:
        if part:
            Path(part).unlink(missing_ok=True)
