"""What an entity page shows: its label, types, properties and links, and its source text highlighted."""

from __future__ import annotations

import pyoxigraph as ox

from policykg.graph_builder.triples import ID_BASE

_PKG = "https://w3id.org/policykg/ontology#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_NAMES = ("http://www.w3.org/2000/01/rdf-schema#label", _PKG + "title", _PKG + "canonicalName", _PKG + "name")
_HIDDEN = {_PKG + "text"}  # a document's full text is shown as its paragraphs, not as one value
_ORDER = {"citation": 0, "number": 1, "agency": 2}


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]


def _link(iri: str) -> str | None:
    return "/id/" + iri[len(ID_BASE) :] if iri.startswith(ID_BASE) else None


def label_of(store: ox.Store, node) -> str:
    """Return the best human name of a node: its label, title, canonical name or name."""
    for predicate in _NAMES:
        for quad in store.quads_for_pattern(node, ox.NamedNode(predicate), None, None):
            return quad.object.value
    return node.value


def describe(store: ox.Store, node: ox.NamedNode, triples: list) -> dict:
    """Return the label, types, outgoing properties and incoming links of a node."""
    types = sorted({_local(t.object.value) for t in triples if t.predicate.value == _RDF_TYPE})
    outgoing = []
    for triple in triples:
        predicate, value = triple.predicate.value, triple.object
        if predicate == _RDF_TYPE or predicate in _HIDDEN:
            continue
        if isinstance(value, ox.NamedNode):
            outgoing.append((_local(predicate), label_of(store, value), _link(value.value)))
        else:
            outgoing.append((_local(predicate), value.value, None))
    incoming = []
    for quad in list(dict.fromkeys(q.triple for q in store.quads_for_pattern(None, None, node, None)))[:500]:
        if isinstance(quad.subject, ox.NamedNode):
            incoming.append((label_of(store, quad.subject), _local(quad.predicate.value), _link(quad.subject.value)))
    return {"label": label_of(store, node), "types": types, "outgoing": sorted(set(outgoing)), "incoming": sorted(set(incoming))}


def _one(store: ox.Store, node, predicate: str):
    quad = next(iter(store.quads_for_pattern(node, ox.NamedNode(_PKG + predicate), None, None)), None)
    return quad.object if quad else None


def _span(store: ox.Store, node) -> tuple[int, int] | None:
    start, end = _one(store, node, "startOffset"), _one(store, node, "endOffset")
    return (int(start.value), int(end.value)) if start is not None and end is not None else None


def paragraph(store: ox.Store, node: ox.NamedNode, triples: list) -> dict:
    """Return the paragraph a node was extracted from, cut into (text, highlight) pieces."""
    source, span = _one(store, node, "sourceDocument"), _span(store, node)
    if source is None or span is None:
        return {}
    text_term = _one(store, source, "text")
    if text_term is None:
        return {}
    text = text_term.value
    start, end = span
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right < 0 else right
    marks: list[tuple[int, int, str]] = []
    for predicate, kind in (("qualifiedCitation", "citation"), ("hasIndicator", "number")):
        for quad in store.quads_for_pattern(node, ox.NamedNode(_PKG + predicate), None, None):
            found = _span(store, quad.object)
            if found:
                marks.append((*found, kind))
    for predicate in ("leadAgency", "partnerAgency", "mentionsAgency"):
        for quad in store.quads_for_pattern(node, ox.NamedNode(_PKG + predicate), None, None):
            names = {q.object.value for p in ("canonicalName", "shortName") for q in store.quads_for_pattern(quad.object, ox.NamedNode(_PKG + p), None, None)}
            for name in sorted(names, key=len, reverse=True):
                position = text.find(name, start, end)
                while position >= 0:
                    marks.append((position, position + len(name), "agency"))
                    position = text.find(name, position + len(name), end)
    types = {t.object.value for t in triples if t.predicate.value == _RDF_TYPE}
    if _PKG + "Citation" in types:
        marks.append((start, end, "citation"))
    elif _PKG + "Indicator" in types:
        marks.append((start, end, "number"))
    pieces, cursor = [], left
    for mark_start, mark_end, kind in sorted(marks, key=lambda mark: (mark[0], _ORDER[mark[2]])):
        if mark_start < cursor or mark_end > right:
            continue  # overlapping or outside the paragraph: the earlier mark wins
        pieces.append((text[cursor:mark_start], ""))
        pieces.append((text[mark_start:mark_end], kind))
        cursor = mark_end
    pieces.append((text[cursor:right], ""))
    return {
        "paragraph": [piece for piece in pieces if piece[0]], "start": start, "end": end,
        "source_title": _one(store, source, "title").value if _one(store, source, "title") else source.value,
        "source_link": _link(source.value),
    }
