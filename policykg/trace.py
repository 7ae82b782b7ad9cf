"""Trace a regulation, an agency or a program through the graph.

A title is found forgivingly: exactly, in normalised form (brackets, dashes, full-width
forms), as a part of a title, or as a close match; several different titles matching is
an ambiguity, reported with the candidates. Nodes that share one normalised title (the same
title cited from two jurisdictions) are traced together.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from policykg.graph_builder.text import normalize_title
from policykg.results import Table, render
from policykg.results import run_kept as run  # answers kept with the generation
from policykg.store import KnowledgeStore

_PREFIX = "PREFIX pkg: <https://w3id.org/policykg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
_STAGES = {"drafts": 0, "issues": 1, "basedOn": 2, "implements": 2, "amends": 3, "mentions": 4}
_UNIT = """
    {{ {units} ?unit a pkg:WorkItem ; pkg:sourceText ?sentence ; pkg:isPartOf ?in .
       OPTIONAL {{ ?sectionNode pkg:hasPart ?unit ; a pkg:Section ; rdfs:label ?section }} }}
    UNION {{ {units} ?unit a pkg:Section ; pkg:title ?sentence ; pkg:isPartOf ?in ; rdfs:label ?section }}
    UNION {{ {units} ?unit a pkg:PolicyDocument ; pkg:title ?sentence . BIND(?unit AS ?in) }}
    ?in pkg:title ?document . OPTIONAL {{ ?in pkg:year ?year }}
"""


def _in_context(store: KnowledgeStore, found: Table, columns: list[str], order: tuple[str, ...]) -> Table:
    """Add to rows of (?graph ?unit …) the document, year, section and sentence of each unit, and order them.

    Two queries instead of one join: the units are bound inside each branch of the union, where
    Oxigraph looks them up one by one, rather than the union being evaluated for the whole store.
    """
    contexts: dict[tuple[str, str], dict] = {}
    if found.rows:
        units = "VALUES ?unit { " + " ".join(sorted({str(ox.NamedNode(row["unit"])) for row in found.rows})) + " }"
        query = f"SELECT ?graph ?unit ?document ?year ?section ?sentence WHERE {{ GRAPH ?graph {{ {_UNIT.format(units=units)} }} }}"
        for row in run(store, _PREFIX + query).rows:
            contexts.setdefault((row["graph"], row["unit"]), row)
    rows = [{**row, **contexts[row["graph"], row["unit"]]} for row in found.rows if (row["graph"], row["unit"]) in contexts]
    rows.sort(key=lambda row: tuple((row[key] is not None, row[key] if row[key] is not None else 0) for key in order))
    return Table(columns, [{column: row.get(column) for column in columns} for row in rows])


class TraceError(LookupError):
    """Nothing, or more than one thing, matches what was asked for; the message lists candidates."""


@dataclass
class Report:
    subject: str
    kind: str  # regulation | agency | program
    tables: dict[str, Table] = field(default_factory=dict)


def _pick(text: str, names: dict[str, list[str]], what: str) -> list[str]:
    """Return the nodes of the one name that ``text`` means, from {name: [nodes]}."""
    wanted = normalize_title(text)
    normal: dict[str, list[str]] = {}
    for name, nodes in names.items():
        normal.setdefault(normalize_title(name), []).extend(nodes)
    for matches in (
        [name for name in normal if name == wanted],
        [name for name in normal if wanted and wanted in name],
        difflib.get_close_matches(wanted, list(normal), n=8, cutoff=0.6),
    ):
        if len(matches) == 1:
            return sorted(set(normal[matches[0]]))
        if len(matches) > 1:
            listed = "; ".join(sorted(matches, key=len)[:12])
            plural = {"agency": "agencies"}.get(what, what + "s")
            raise TraceError(f"{text!r} matches {len(matches)} {plural}: {listed} — give more of the name")
    raise TraceError(f"no {what} matches {text!r}")


def _values(nodes: list[str]) -> str:
    return "VALUES ?node { " + " ".join(str(ox.NamedNode(node)) for node in nodes) + " }"


def _find(store: KnowledgeStore, candidates: str, text: str, what: str) -> tuple[dict[str, list[str]], list[str], str]:
    """Run a query of (?node, ?name) candidates and pick the nodes ``text`` means; return names, nodes and VALUES."""
    names: dict[str, list[str]] = {}
    for row in run(store, _PREFIX + candidates).rows:
        names.setdefault(row["name"], []).append(row["node"])
    nodes = _pick(text, names, what)
    return names, nodes, _values(nodes)


def trace_regulation(store: KnowledgeStore, text: str) -> Report:
    """Return where a regulation is cited and how, what it cites, its likely duplicates and its lifecycle."""
    _, _, values = _find(store, "SELECT DISTINCT ?node ?name WHERE { GRAPH ?g { { ?node a pkg:PolicyDocument } UNION { ?node a pkg:CreativeWork } ?node pkg:title ?name } }", text, "document")
    title = run(store, _PREFIX + f"SELECT ?title WHERE {{ GRAPH ?g {{ {values} ?node rdfs:label ?title }} }} LIMIT 1").rows[0]["title"]
    report = Report(title, "regulation")
    citing = run(store, _PREFIX + f"""
        SELECT ?graph ?unit ?relation ?verb ?start WHERE {{
          GRAPH ?graph {{ {values} ?unit pkg:qualifiedCitation ?c . ?c pkg:citedDocument ?node ; pkg:relation ?relation ; pkg:startOffset ?start .
                          OPTIONAL {{ ?c pkg:verb ?verb }} }}
        }}""")
    report.tables["cited by"] = _in_context(store, citing, ["document", "year", "section", "relation", "verb", "sentence"], ("year", "graph", "start"))
    report.tables["cites"] = run(store, _PREFIX + f"""
        SELECT ?regulation ?relation ?sentence WHERE {{
          GRAPH ?g {{ {values} ?unit pkg:isPartOf ?node ; pkg:qualifiedCitation ?c ; pkg:sourceText ?sentence .
                      ?c pkg:citedDocument ?cited ; pkg:relation ?relation ; pkg:startOffset ?start . ?cited pkg:title ?regulation }}
        }} ORDER BY ?g ?start""")
    report.tables["possibly the same"] = run(store, _PREFIX + f"""
        SELECT ?title ?score (GROUP_CONCAT(DISTINCT ?reason; separator=", ") AS ?reasons) WHERE {{
          GRAPH ?r {{ {values} ?match a pkg:TitleMatch ; pkg:matchedDocument ?node, ?other ; pkg:matchScore ?score ; pkg:matchReason ?reason . }}
          FILTER(?other != ?node)
          {{ SELECT DISTINCT ?other ?title WHERE {{ GRAPH ?g {{ ?other pkg:title ?title }} }} }}
        }} GROUP BY ?title ?score ORDER BY DESC(?score)""")
    stages: dict[tuple, set[str]] = {}
    for row in report.tables["cited by"].rows:
        stages.setdefault((row["year"], row["document"]), set()).add(row["relation"])
    lifecycle = [
        {"year": year, "document": document, "stage": " → ".join(sorted(relations, key=lambda relation: _STAGES.get(relation, 9)))}
        for (year, document), relations in sorted(stages.items(), key=lambda item: (item[0][0] or 0, min(_STAGES.get(r, 9) for r in item[1])))
    ]
    report.tables["lifecycle"] = Table(["year", "document", "stage"], lifecycle)
    return report


def trace_agency(store: KnowledgeStore, text: str) -> Report:
    """Return the work items an agency leads, partners or is named in, and the documents it issues."""
    _, nodes, values = _find(store, "SELECT DISTINCT ?node ?name WHERE { GRAPH ?g { ?node a pkg:Agency . { ?node pkg:canonicalName ?name } UNION { ?node pkg:shortName ?name } } }", text, "agency")
    if len(nodes) > 1:  # 市民政局 is the short form of every city's bureau: ask which
        names = sorted(row["name"] for row in run(store, _PREFIX + f"SELECT DISTINCT ?name WHERE {{ GRAPH ?g {{ {values} ?node pkg:canonicalName ?name }} }}").rows)
        raise TraceError(f"{text!r} is the short form of {len(names)} agencies: {'; '.join(names)} — give the full name")
    name = run(store, _PREFIX + f"SELECT ?name WHERE {{ GRAPH ?g {{ {values} ?node pkg:canonicalName ?name }} }} LIMIT 1").rows[0]["name"]
    report = Report(name, "agency")
    roles = run(store, _PREFIX + f"""
        SELECT ?graph ?unit ?role ?start WHERE {{
          GRAPH ?graph {{
            {values}
            {{ ?unit pkg:leadAgency ?node FILTER NOT EXISTS {{ ?unit pkg:implicitLeadAgency ?node }} BIND("lead" AS ?role) }}
            UNION {{ ?unit pkg:partnerAgency ?node BIND("partner" AS ?role) }}
            UNION {{ ?unit pkg:mentionsAgency ?node BIND("mention" AS ?role) }}
            ?unit pkg:startOffset ?start .
          }}
        }}""")
    report.tables["work items"] = _in_context(store, roles, ["document", "section", "role", "sentence"], ("graph", "start"))
    report.tables["documents issued"] = run(store, _PREFIX + f"""
        SELECT DISTINCT ?document WHERE {{ GRAPH ?g {{ {values} ?doc pkg:issuedBy ?node ; pkg:title ?document }} }} ORDER BY ?document""")
    implicit = run(store, _PREFIX + f"SELECT (COUNT(DISTINCT ?unit) AS ?n) WHERE {{ GRAPH ?g {{ {values} ?unit pkg:implicitLeadAgency ?node }} }}").rows[0]["n"]
    report.tables["led as issuer"] = Table(["work_items"], [{"work_items": implicit}])
    return report


def trace_program(store: KnowledgeStore, text: str) -> Report:
    """Return the work items that involve a program."""
    names, nodes, values = _find(store, "SELECT DISTINCT ?node ?name WHERE { GRAPH ?g { ?node a pkg:Program ; pkg:name ?name } }", text, "program")
    report = Report(next(name for name, found in names.items() if set(found) & set(nodes)), "program")
    involving = run(store, _PREFIX + f"""
        SELECT ?graph ?unit ?start WHERE {{ GRAPH ?graph {{ {values} ?unit pkg:involvesProgram ?node ; pkg:startOffset ?start }} }}""")
    report.tables["work items"] = _in_context(store, involving, ["document", "year", "section", "sentence"], ("year", "graph", "start"))
    return report


def show(report: Report, format: str) -> str:
    """Render a trace report as text tables, Markdown or JSON."""
    if format == "json":
        return json.dumps({"subject": report.subject, "kind": report.kind, **{name: table.rows for name, table in report.tables.items()}}, ensure_ascii=False, indent=2)
    out = [f"# {report.subject}" if format == "markdown" else f"{report.kind}: {report.subject}"]
    for name, table in report.tables.items():
        out.append("")
        out.append(f"## {name}" if format == "markdown" else f"== {name}")
        if format == "markdown":
            out.append("| " + " | ".join(table.columns) + " |")
            out.append("|" + "---|" * len(table.columns))
            out += ["| " + " | ".join(str(row[column] if row[column] is not None else "").replace("|", "\\|") for column in table.columns) + " |" for row in table.rows]
        else:
            out.append(render(table, "table"))
    return "\n".join(out)
