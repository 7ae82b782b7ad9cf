"""Generate ``terms.py``, the typed Python names of the ontology's terms, from ``policykg.ttl``.

Run ``python -m policykg.ontology.generate`` after editing the ontology; a test checks that
the committed file is what this generator writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from policykg.ontology import NAMESPACE, ontology_path

_KINDS = {OWL.Class: "classes", OWL.ObjectProperty: "object properties", OWL.DatatypeProperty: "datatype properties"}


def _label(graph: Graph, term: URIRef, language: str) -> str:
    for label in graph.objects(term, RDFS.label):
        if isinstance(label, Literal) and label.language == language:
            return str(label)
    return ""


def render(graph: Graph) -> str:
    """Return the source of terms.py for an ontology graph."""
    rows = []
    for kind, kind_name in _KINDS.items():
        for term in sorted(graph.subjects(RDF.type, kind)):
            if isinstance(term, URIRef) and str(term).startswith(NAMESPACE):
                local = str(term)[len(NAMESPACE) :]
                rows.append((kind_name, local, _label(graph, term, "zh"), _label(graph, term, "en")))
    lines = [
        '"""Typed names of the policykg ontology\'s terms.',
        "",
        "Generated from ontology/policykg.ttl by ``python -m policykg.ontology.generate``: do not edit.",
        '"""',
        "",
        "from rdflib import URIRef",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "",
        "",
        "class PKG(DefinedNamespace):",
        '    """pkg: the policykg vocabulary. An unknown name raises AttributeError."""',
        "",
        "    _fail = True",
        f'    _NS = Namespace("{NAMESPACE}")',
    ]
    current = None
    for kind_name, local, zh, en in rows:
        if kind_name != current:
            lines += ["", f"    # {kind_name}"]
            current = kind_name
        lines.append(f"    {local}: URIRef  # {zh} — {en}")
    return "\n".join(lines) + "\n"


def generate() -> str:
    """Return the source of terms.py for the packaged ontology."""
    graph = Graph()
    graph.parse(data=ontology_path().read_bytes(), format="turtle")
    return render(graph)


def main() -> None:
    target = Path(__file__).with_name("terms.py")
    target.write_text(generate(), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
