"""Count what the store holds: entities per class and links per relation."""

from __future__ import annotations

from policykg.results import Table
from policykg.results import run_kept as run  # answers kept with the generation
from policykg.store import KnowledgeStore

_PREFIX = "PREFIX pkg: <https://w3id.org/policykg/ontology#>\n"
_CLASSES = _PREFIX + """
SELECT ?class (COUNT(DISTINCT ?entity) AS ?count) WHERE {
  ?entity a ?type .
  FILTER(STRSTARTS(STR(?type), STR(pkg:)))
  BIND(STRAFTER(STR(?type), "#") AS ?class)
} GROUP BY ?class ORDER BY DESC(?count) ?class"""
_RELATIONS = _PREFIX + """
SELECT ?relation (COUNT(*) AS ?count) WHERE {
  { SELECT DISTINCT ?subject ?property ?object WHERE {
      GRAPH ?graph { ?subject ?property ?object }
      FILTER(?graph != <https://w3id.org/policykg/graph/ontology>)
      FILTER(STRSTARTS(STR(?property), STR(pkg:)) && isIRI(?object))
  } }
  BIND(STRAFTER(STR(?property), "#") AS ?relation)
} GROUP BY ?relation ORDER BY DESC(?count) ?relation"""


def statistics(store: KnowledgeStore) -> dict[str, Table]:
    """Return tables of entity counts per class and link counts per relation."""
    return {"classes": run(store, _CLASSES), "relations": run(store, _RELATIONS)}


def source_documents(store: KnowledgeStore) -> int:
    """Return the number of source documents built into the store."""
    rows = run(store, _PREFIX + "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d pkg:sourceHash ?h }").rows
    return rows[0]["n"]
