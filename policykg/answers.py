"""Answers of named queries, kept with the store generation that gave them.

A generation never changes once a build has switched it in, so neither does the answer of a
query on it. The first run of a named query evaluates it and writes its solutions as SPARQL
TSV (which writes every RDF term exactly, datatype and language included) into the
generation's ``answers/`` folder; later runs read them back, parsed by Oxigraph: tens of
milliseconds for tens of thousands of rows, where evaluating them takes seconds at 1,000
documents. A build writes a new generation, which starts with no answers (unless it only
merged the database's files: the graph is the same, and its answers are carried over), so a kept
answer is never stale; it is removed with its generation.

What is sent is kept too: the endpoint keeps each response it makes from a kept answer (the
bytes for one format and row limit, :func:`response`), so a named query with tens of thousands
of rows is answered over HTTP in milliseconds, not in the few hundred it takes to write them as
SPARQL JSON; and a page reads only the rows it shows (:func:`read` with a limit).

Keeping is best effort: a generation this process may only read, a full disk or an answer
over :data:`MAX_BYTES` (or a folder at :data:`MAX_FILES` or :data:`MAX_FOLDER_BYTES`) just
means the query is evaluated again next time. A kept file that cannot be parsed (to its last row
when read whole; a read with a limit parses the rows it returns and counts the others) is
removed and the query evaluated again. A query whose
answer can change without a build (NOW, RAND, a SERVICE …) is never kept.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import pyoxigraph as ox

FOLDER = "answers"
ASKED = "asked"  # inside FOLDER: answers kept for a server's requests, under a cap of their own
MAX_BYTES = 64 * 2**20  # larger answers are evaluated each time rather than kept
MAX_FILES = 2000  # answers and responses per generation and folder: parameterised queries keep one answer per set of values
MAX_FOLDER_BYTES = 2**30  # per generation and folder: what requests with values of the clients' choosing may fill
_VERSION = f"policykg-answers 1, pyoxigraph {ox.__version__}"  # another engine or format: other files
_TSV = ox.QueryResultsFormat.TSV
# what makes an answer change without a build: a query that names one is never kept (looked for
# anywhere in the text, strings and comments included: keeping too little is only slower)
_VOLATILE = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(|\bSERVICE\b", re.IGNORECASE)
_STALE_PART = 600.0  # seconds after which a half-written file is a killed writer's
_RESPONSE = ".out"  # a kept response's suffix (an answer's is .tsv)
_RESPONSE_HEAD = b"policykg response\n"  # what a kept response starts with: a file without it is not read


class Kept:
    """A SELECT answer read back: ``variables`` and its solutions, like pyoxigraph's QuerySolutions;
    ``total`` is the number of solutions of the whole answer, of which a read with a limit holds the first."""

    def __init__(self, variables: list[ox.Variable], solutions: list[ox.QuerySolution], total: int | None = None):
        self.variables, self._solutions = variables, solutions
        self.total = len(solutions) if total is None else total

    def __iter__(self):
        return iter(self._solutions)

    def __len__(self) -> int:
        return len(self._solutions)


_asked: ContextVar[bool] = ContextVar("policykg_answers_asked", default=False)


@contextmanager
def asked() -> Iterator[None]:
    """Keep the answers of the queries run inside this block (in this thread) apart, under their
    own :data:`MAX_FILES`: a server's requests carry values that remote users choose (a title to
    trace, a node to focus on), and must not crowd out the answers its keeper keeps for everyone.
    Answers kept either way are read in both."""
    token = _asked.set(True)
    try:
        yield
    finally:
        _asked.reset(token)


def path(generation: Path, sparql: str, asked: bool = False, form: str = "") -> Path:
    """Where the answer of ``sparql`` (with its values bound) on ``generation`` is kept, or with
    ``asked`` where it is kept when asked inside :func:`asked`; with ``form``, where a response
    made from it is kept (see :func:`response`)."""
    key = f"{_VERSION}\n{sparql}\n{form}" if form else f"{_VERSION}\n{sparql}"  # an answer's key as before responses were kept
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    folder = Path(generation) / FOLDER
    return (folder / ASKED if asked else folder) / f"{digest}{_RESPONSE if form else '.tsv'}"


def _parse(data: bytes, limit: int | None = None) -> Kept:
    """Parse a kept answer, or with ``limit`` only its first rows: SPARQL TSV writes a solution a
    line (a literal's line breaks are escaped), so the rest is only counted."""
    total = data.count(b"\n") - 1
    if limit is not None and total > limit:
        data = data[: _line_end(data, limit + 1)]
    solutions = ox.parse_query_results(data, _TSV)
    return Kept(list(solutions.variables), list(solutions), total)  # every row read now: a bad one raises here, not in the caller


def _line_end(data: bytes, lines: int) -> int:
    """The offset just past the ``lines``-th line break of ``data``."""
    end = -1
    for _ in range(lines):
        end = data.index(b"\n", end + 1)
    return end + 1


def read(generation: Path, sparql: str, limit: int | None = None) -> Kept | None:
    """The answer kept for ``sparql`` on ``generation`` (with ``limit``, its first solutions and
    its total), or None when there is none or it cannot be read (then it is removed). Needs no
    database: a file, read whole even if a build removes the generation meanwhile."""
    for kept in (path(generation, sparql), path(generation, sparql, asked=True)):
        try:
            data = kept.read_bytes()
        except OSError:
            continue
        try:
            if not data.endswith(b"\n"):  # a SELECT's TSV has at least its header line
                raise ValueError("cut short")
            return _parse(data, limit)
        except (SyntaxError, ValueError):
            kept.unlink(missing_ok=True)
    return None


def response(generation: Path, sparql: str, form: str) -> bytes | None:
    """The response kept for ``sparql`` on ``generation`` in ``form`` (what made it: the
    endpoint's format, row limit and serialiser), or None. A response is the bytes a server
    sends, made once from the answer: tens of thousands of rows as SPARQL JSON take a few
    hundred milliseconds to make and a few to read."""
    for kept in (path(generation, sparql, form=form), path(generation, sparql, asked=True, form=form)):
        try:
            data = kept.read_bytes()
        except OSError:
            continue
        if data.startswith(_RESPONSE_HEAD):
            return data[len(_RESPONSE_HEAD) :]
        kept.unlink(missing_ok=True)  # cut short or not one of ours
    return None


def keep_response(generation: Path, sparql: str, form: str, data: bytes) -> None:
    """Keep ``data``, the response made from the answer of ``sparql`` in ``form`` (best effort)."""
    _keep(generation, path(generation, sparql, asked=_asked.get(), form=form), _RESPONSE_HEAD + data)


def keeps(sparql: str) -> bool:
    """Tell whether the answer of ``sparql`` may be kept."""
    return not _VOLATILE.search(sparql)


def select(store: ox.Store, generation: Path, sparql: str, limit: int | None = None):
    """Answer ``sparql`` over the union of the graphs of ``store`` (opened on ``generation``):
    from the answer kept for it, else by evaluating it and keeping a SELECT's solutions (of which,
    with ``limit``, the first are returned, with their ``total``)."""
    kept = read(generation, sparql, limit) if keeps(sparql) else None
    if kept is not None:
        return kept
    result = store.query(sparql, use_default_graph_as_union=True)
    if not isinstance(result, ox.QuerySolutions) or not keeps(sparql):
        return result
    buffer = io.BytesIO()
    result.serialize(buffer, _TSV)
    data = buffer.getvalue()
    _keep(generation, path(generation, sparql, asked=_asked.get()), data)
    return _parse(data, limit)


def carry(previous: Path, fresh: Path) -> None:
    """Copy the answers kept for ``previous`` into ``fresh``, a generation that holds the same graph
    (a build that only merged the database's files); what a killed writer left half-written stays."""
    if (Path(previous) / FOLDER).is_dir():
        shutil.copytree(Path(previous) / FOLDER, Path(fresh) / FOLDER, ignore=shutil.ignore_patterns("*.part"), dirs_exist_ok=True)


def _keep(generation: Path, kept: Path, data: bytes) -> None:
    if len(data) > MAX_BYTES:
        return
    part = None
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        files, size = _tidy(kept.parent)
        if files >= MAX_FILES or size + len(data) > MAX_FOLDER_BYTES:
            return
        with tempfile.NamedTemporaryFile(dir=kept.parent, prefix=".", suffix=".part", delete=False) as handle:
            part = handle.name
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(part, _mode(generation))
        os.replace(part, kept)  # readers see the whole answer or none
    except OSError:
        if part:
            Path(part).unlink(missing_ok=True)


def _mode(generation: Path) -> int:
    """As readable as the database it comes from (a server running as another user can read both)."""
    try:
        return stat.S_IMODE((generation / "CURRENT").stat().st_mode)
    except OSError:
        return 0o600


def _tidy(folder: Path) -> tuple[int, int]:
    """Remove what killed writers left half-written; return how many answers and responses the
    folder keeps, and their bytes."""
    files = size = 0
    for entry in os.scandir(folder):
        try:
            if entry.name.endswith((".tsv", _RESPONSE)):
                files += 1
                size += entry.stat().st_size
            elif entry.name.endswith(".part") and time.time() - entry.stat().st_mtime > _STALE_PART:
                os.unlink(entry.path)
        except OSError:  # gone meanwhile (another process tidied it)
            pass
    return files, size
