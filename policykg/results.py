"""Run queries against the store and render their results as a table, CSV, TSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

import pyoxigraph as ox

from policykg.answers import Kept
from policykg.queries import NamedQuery, QueryError
from policykg.store import KnowledgeStore, StoreError

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {_XSD + name for name in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}
_DECIMALS = {_XSD + "decimal", _XSD + "double", _XSD + "float"}
FORMATS = ("table", "csv", "tsv", "json")


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[dict[str, object]]
    total: int | None = None  # rows of the whole answer, when ``rows`` holds only its first (run with a limit)

    @property
    def size(self) -> int:
        """The number of rows of the whole answer."""
        return len(self.rows) if self.total is None else self.total


def value(term) -> object:
    """Return a plain Python value for an RDF term: numbers for numeric literals, else the string."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INTEGERS:
                return int(term.value)
            if datatype in _DECIMALS:
                number = Decimal(term.value)
                return int(number) if number == number.to_integral_value() else float(number)
        except (ValueError, ArithmeticError):
            return term.value
        return term.value
    return term.value


def run(store: KnowledgeStore, query: NamedQuery | str, params: Mapping[str, str] | None = None, keep: bool = False,
        limit: int | None = None) -> Table | bool | list:
    """Run a named query (with its parameters) or SPARQL text; SELECT gives a Table, with
    ``limit`` one of only its first rows and the number of all (what a page shows).

    The answer of a named query is kept with the store generation (:mod:`policykg.answers`),
    that of SPARQL text only with ``keep=True`` (policykg's own queries: trace, views, stats)."""
    params = dict(params or {})
    if isinstance(query, NamedQuery):
        expected = {name for name, _ in query.parameters}
        unknown = sorted(set(params) - expected)
        if unknown:
            raise QueryError(f"{query.name}: unknown parameter {', '.join(unknown)}; it takes {', '.join(sorted(expected)) or 'none'}")
        missing = sorted(expected - set(params))
        if missing:
            raise QueryError(f"{query.name}: missing parameter {', '.join(missing)} (give it with --param {missing[0]}=VALUE)")
        name, text = query.name, query.text
    else:
        name, text = "SPARQL query", query
    bindings = {key: ox.Literal(item) for key, item in params.items()}
    try:
        result = store.answer(text, bindings, limit) if keep or isinstance(query, NamedQuery) else store.query(text, bindings)
    except SyntaxError as error:
        raise QueryError(f"{name}: invalid SPARQL: {' '.join(str(error).split())}") from None
    except StoreError:
        raise  # the store's own message says what is wrong with it
    except (RuntimeError, OSError, ValueError) as error:
        raise QueryError(f"{name}: the query cannot be run: {' '.join(str(error).split())}") from None
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QueryTriples):
        return list(result)
    columns = [variable.value for variable in result.variables]
    solutions = iter(result)
    rows = [{column: value(solution[column]) for column in columns} for solution in islice(solutions, limit)]
    if limit is None:
        return Table(columns, rows)
    return Table(columns, rows, result.total if isinstance(result, Kept) else len(rows) + sum(1 for _ in solutions))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cell(item: object) -> str:
    return "" if item is None else str(item)


def render(table: Table, format: str, max_width: int = 60) -> str:
    """Render a Table as an aligned text table, CSV, TSV or JSON (a list of objects)."""
    if format == "json":
        return json.dumps(table.rows, ensure_ascii=False, indent=2)
    if format in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if format == "csv" else "\t", lineterminator="\n")
        writer.writerow(table.columns)
        for row in table.rows:
            writer.writerow([_cell(row[column]).replace("\t", " ").replace("\n", " ") if format == "tsv" else _cell(row[column]) for column in table.columns])
        return buffer.getvalue().rstrip("\n")
    if format != "table":
        raise QueryError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    cells = [[_clip(_cell(row[column]).replace("\n", " "), max_width) for column in table.columns] for row in table.rows]
    widths = [max([_width(column)] + [_width(line[index]) for line in cells]) for index, column in enumerate(table.columns)]
    def line(items: list[str]) -> str:
        return "  ".join(item + " " * (width - _width(item)) for item, width in zip(items, widths)).rstrip()
    out = [line(table.columns), line(["-" * width for width in widths])]
    out += [line(row) for row in cells]
    out.append(f"({len(table.rows)} row{'s' if len(table.rows) != 1 else ''})")
    return "\n".join(out)


def _clip(text: str, limit: int) -> str:
    if _width(text) <= limit:
        return text
    out, used = "", 0
    for char in text:
        used += _width(char)
        if used > limit - 1:
            break
        out += char
    return out + "…"


def run_kept(store: KnowledgeStore, query: str) -> Table | bool | list:
    """Run one of policykg's own queries (trace, the network views, stats), keeping its answer."""
    return run(store, query, keep=True)
