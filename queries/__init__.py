"""Named SPARQL queries: the public contract of the graph.

Each ``NAME.rq`` file starts with a header of ``# key: value`` comments: ``title``,
``description``, ``columns`` (comma-separated), ``example``, and one ``param`` line per
parameter (``# param: title = what to give``). Parameters are bound as SPARQL variables of the same
name (never pasted into the query text), so a value cannot change the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

_HEADER = re.compile(r"^#\s*(?P<key>[a-z_]+)\s*:\s*(?P<value>.*)$")


class QueryError(ValueError):
    """A query that cannot be found, parsed or run; the message names it and the problem."""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    columns: tuple[str, ...]
    parameters: tuple[tuple[str, str], ...]  # (name, description)
    example: str
    text: str


def parse(name: str, text: str) -> NamedQuery:
    """Read the header comments of a query file."""
    fields: dict[str, str] = {}
    parameters = []
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if match and match["key"] == "param":
            key, _, about = match["value"].partition("=")
            parameters.append((key.strip(), about.strip()))
        elif match:
            fields[match["key"]] = match["value"].strip()
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    columns = tuple(column.strip() for column in fields.get("columns", "").split(",") if column.strip())
    return NamedQuery(name, fields.get("title", name), fields.get("description", ""), columns, tuple(parameters), fields.get("example", ""), text)


def names() -> list[str]:
    """Return the names of the packaged queries, sorted."""
    return sorted(entry.name[:-3] for entry in resources.files(__name__).iterdir() if entry.name.endswith(".rq"))


def load(name: str) -> NamedQuery:
    """Return a packaged query by name (``citations``) or a query file by path (``my.rq``)."""
    if name.endswith(".rq") or "/" in name:
        path = Path(name)
        if not path.is_file():
            raise QueryError(f"{name}: no such query file")
        return parse(path.stem, path.read_text(encoding="utf-8"))
    if name not in names():
        raise QueryError(f"{name}: no such named query; `policykg queries` lists them ({', '.join(names())})")
    return parse(name, resources.files(__name__).joinpath(f"{name}.rq").read_text(encoding="utf-8"))


def all_queries() -> list[NamedQuery]:
    """Return every packaged query."""
    return [load(name) for name in names()]
