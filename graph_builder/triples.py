"""Turn an Extraction into quads: the only module that knows IRIs.

IRIs are minted from normalised keys (a hash of canonical JSON), so the same regulation
cited by two documents is one node and rebuilding gives the same graph. Each source
document's quads go into a named graph of their own.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import pyoxigraph as ox

from policykg.graph_builder.gazetteer import Gazetteer
from policykg.graph_builder.pipeline import Extraction
from policykg.graph_builder.records import Span
from policykg.graph_builder.segment import kind_of
from policykg.graph_builder.text import normalize_title
from policykg.ontology import terms
from policykg.ontology.terms import PKG

ID_BASE = "https://w3id.org/policykg/id/"
GRAPH_BASE = "https://w3id.org/policykg/graph/"
ONTOLOGY_GRAPH = ox.NamedNode(GRAPH_BASE + "ontology")
RESOLUTION_GRAPH = ox.NamedNode(GRAPH_BASE + "resolution")
AREAS_GRAPH = ox.NamedNode(GRAPH_BASE + "areas")
INFERRED_GRAPH = ox.NamedNode(GRAPH_BASE + "inferred")  # what build --infer materialises
SHARED_GRAPHS = frozenset(graph.value for graph in (ONTOLOGY_GRAPH, RESOLUTION_GRAPH, AREAS_GRAPH, INFERRED_GRAPH))  # not of one document
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCTERMS = "http://purl.org/dc/terms/"
_DCTERMS_TYPE = ox.NamedNode(_DCTERMS + "type")

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DECIMAL = ox.NamedNode(_XSD + "decimal")
_INTEGER_SUFFIX = f"^^<{_XSD}integer>"
_DATE_SUFFIX = f"^^<{_XSD}date>"


class _Nodes:
    """The names of a DefinedNamespace as Oxigraph nodes, each made once: ``_PKG.title``.
    An unknown name raises AttributeError, as the namespace does."""

    def __init__(self, namespace):
        self._namespace = namespace

    def __getattr__(self, name: str) -> ox.NamedNode:
        node = ox.NamedNode(str(getattr(self._namespace, name)))
        setattr(self, name, node)
        return node


_PKG = _Nodes(PKG)


# The kind word a title ends with → the class of the document.
KIND_CLASSES = {
    "工作要点": PKG.WorkPlan, "工作总结": PKG.WorkSummary, "政府工作报告": PKG.WorkReport, "工作报告": PKG.WorkReport, "报告": PKG.WorkReport, "决议": PKG.Decision,
    "通知": PKG.Notice, "通告": PKG.Notice, "公告": PKG.Notice, "条例": PKG.Regulation, "法": PKG.Law,
    "办法": PKG.Measures, "规定": PKG.Provisions, "实施细则": PKG.DetailedRules, "细则": PKG.DetailedRules,
    "措施": PKG.PolicyMeasures, "实施意见": PKG.Opinion, "指导意见": PKG.Opinion, "若干意见": PKG.Opinion, "意见": PKG.Opinion,
    "行动方案": PKG.Scheme, "实施方案": PKG.Scheme, "工作方案": PKG.Scheme, "方案": PKG.Scheme,
    "行动计划": PKG.ActionPlan, "计划": PKG.ActionPlan, "规划": PKG.DevelopmentPlan, "纲要": PKG.Outline,
    "指引": PKG.Guideline, "指南": PKG.Guideline, "导则": PKG.Guideline, "法典": PKG.Law, "标准": PKG.Standard, "规范": PKG.Standard,
    "规程": PKG.OperatingProcedure, "决定": PKG.Decision, "清单": PKG.ListDocument, "目录": PKG.Catalogue,
    "附件": PKG.Annex,
}
RELATIONS = {
    "issues": _PKG.issues, "amends": _PKG.amends, "drafts": _PKG.drafts,
    "implements": _PKG.implements, "basedOn": _PKG.basedOn, "mentions": _PKG.mentions,
}
_LOCAL = re.compile(r"本市|我市|全市|本省|我省|全省|本区|我区|本县|我县")
_NATIONAL = re.compile(r"^(?:中华人民共和国|国务院|中共中央|中央|国家|全国)|法$|法\(")
_PERIOD = re.compile(r"[(（]((?:19|20)\d{2}\s*[—–\-－~至]+\s*(?:19|20)\d{2}\s*年?)[)）]")
_VERSION = re.compile(r"[(（](试行|暂行|草案|征求意见稿|修订稿|送审稿|\d{4}\s*年?版|\d{4}\s*年?修订)[)）]")


def mint(kind: str, key) -> ox.NamedNode:
    """Return the IRI of an entity of ``kind`` identified by ``key`` (any JSON value)."""
    return mint_in(f"{ID_BASE}{kind}/", key)


_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # json.dumps with these, without a new encoder per call


def mint_in(base: str, key) -> ox.NamedNode:
    return ox.NamedNode(base + hashlib.sha1(_CANONICAL.encode(key).encode("utf-8")).hexdigest()[:16])


def title_key(title: str, jurisdiction: str, places: tuple[str, ...]) -> list[str]:
    """Return the identity of a document known only by its title.

    A title that names its place (上海市…, 2025年上海民政工作要点) or is national (国务院…, a 法)
    is the same document wherever it is cited. Any other title (关于加强孤儿保障…的意见) is
    qualified by the jurisdiction of the document citing it: two cities' 《2025年工作要点》 are
    two documents. 本市/本省/我市 stand for that jurisdiction.
    """
    normal = normalize_title(title)
    if jurisdiction:
        normal = _LOCAL.sub(jurisdiction, normal)
    if _NATIONAL.search(normal) or _names_a_place(normal, places):
        return ["title", normal]
    return ["title", jurisdiction, normal]


@functools.lru_cache(maxsize=65536)  # the same titles are cited over and over
def _names_a_place(title: str, places: tuple[str, ...]) -> bool:
    """Tell whether a title names its jurisdiction: a full name anywhere (上海市), a short one at its head (上海民政…)."""
    head = re.sub(r"^(?:\d{4}年|关于(?:印发|进一步|加强|推进)?)", "", title)
    return any(place in title if place.endswith(("省", "市", "区", "县", "旗", "自治区")) else head.startswith(place) for place in places)


def source_key(extraction: Extraction) -> list[str]:
    """Return the identity of a source document: its 文号, else its title in its jurisdiction, else its file."""
    if extraction.meta.doc_number:
        return ["docnumber", extraction.meta.doc_number]
    title = extraction.meta.title or extraction.parts[0].title
    key = title_key(title, extraction.jurisdiction, extraction.gazetteer.place_names) if title else []
    if len(key) == 2 or (len(key) == 3 and key[1]):
        return key
    return ["file", extraction.source.path]


def graph_iri(extraction: Extraction) -> ox.NamedNode:
    """Return the named graph that holds one source document's quads."""
    return mint_in(GRAPH_BASE, source_key(extraction))


def document_node(extraction: Extraction) -> ox.NamedNode:
    """Return the node of the source document itself."""
    return mint("document", source_key(extraction))


def agency_iri(canonical: str) -> ox.NamedNode:
    return mint("agency", canonical)


Statement = tuple[str, str, str, bool]  # subject, predicate, object (an IRI or a literal's value), whether the object is a literal


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _quoted(value: str) -> str:
    """Return a string as an N-Quads literal's quoted form."""
    if "\\" in value or '"' in value or "\n" in value or "\r" in value:
        value = value.translate(_ESCAPES)
    return f'"{value}"'


class _Writer:
    """Write the statements of one named graph as N-Quads lines, and keep each as a
    (subject, predicate, object, is literal) tuple of plain strings for what reads them back
    (titles, the search index). Making an Oxigraph Quad for each statement cost more than
    all the extraction rules together; a line is made by formatting a string."""

    def __init__(self, graph: ox.NamedNode):
        self._tail = f" <{graph.value}> .\n"
        self.lines: list[str] = []
        self.statements: list[Statement] = []
        self.described: set = set()  # what a describe function wrote already (the quads would be the same)

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal) -> None:
        s, p = subject.value, predicate.value
        if isinstance(obj, ox.NamedNode):
            o = obj.value
            self.lines.append(f"<{s}> <{p}> <{o}>{self._tail}")
            self.statements.append((s, p, o, False))
        else:
            self.lines.append(f"<{s}> <{p}> {obj}{self._tail}")
            self.statements.append((s, p, obj.value, True))

    def _literal(self, subject: ox.NamedNode, predicate: ox.NamedNode, value: str, suffix: str) -> None:
        s, p = subject.value, predicate.value
        self.lines.append(f"<{s}> <{p}> {_quoted(value)}{suffix}{self._tail}")
        self.statements.append((s, p, value, True))

    def text(self, subject, predicate, value: str, language: str | None = None) -> None:
        if value:
            self._literal(subject, predicate, value, f"@{language}" if language else "")

    def integer(self, subject, predicate, value: int) -> None:
        self._literal(subject, predicate, str(value), _INTEGER_SUFFIX)

    def date(self, subject, predicate, value: str) -> None:
        if value:
            self._literal(subject, predicate, value, _DATE_SUFFIX)

    def a(self, subject: ox.NamedNode, cls) -> None:
        """Say that ``subject`` is of class ``cls`` (a namespace's IRI or an Oxigraph node)."""
        s, o = subject.value, cls.value if isinstance(cls, ox.NamedNode) else str(cls)
        self.lines.append(f"<{s}> <{_RDF_TYPE.value}> <{o}>{self._tail}")
        self.statements.append((s, _RDF_TYPE.value, o, False))

    def span(self, subject, span: Span, text: str, source: ox.NamedNode, rule: str) -> None:
        self.add(subject, _PKG.sourceDocument, source)
        self.integer(subject, _PKG.startOffset, span.start)
        self.integer(subject, _PKG.endOffset, span.end)
        self.text(subject, _PKG.sourceText, text[span.start : span.end])
        self.text(subject, _PKG.extractedBy, rule)

    def nquads(self) -> list[str]:
        """The lines written, each once, in the order first written."""
        return list(dict.fromkeys(self.lines))


def kind_iri(cls) -> ox.NamedNode:
    """Return the SKOS concept of a document kind (the class's local name: Scheme, Opinion …)."""
    return ox.NamedNode(f"{ID_BASE}kind/{str(cls).rsplit('#', 1)[1]}")


def _describe_document(out: _Writer, node: ox.NamedNode, title: str, kind: str) -> None:
    if (node, title, kind) in out.described:
        return
    out.described.add((node, title, kind))
    out.a(node, KIND_CLASSES.get(kind, _PKG.PolicyDocument))
    if kind in KIND_CLASSES:
        out.a(node, _PKG.PolicyDocument)
        out.add(node, _DCTERMS_TYPE, kind_iri(KIND_CLASSES[kind]))
    out.text(node, _PKG.title, title)
    out.text(node, ox.NamedNode(_DCTERMS + "title"), title.strip(), "zh")  # for tools that read Dublin Core
    out.text(node, _LABEL, title.strip(), "zh")
    out.text(node, _PKG.kind, kind)
    period = _PERIOD.search(title)
    if period:
        out.text(node, _PKG.period, re.sub(r"\s+", "", period.group(1)))
    version = _VERSION.search(title)
    if version:
        out.text(node, _PKG.versionMark, version.group(1))


@functools.lru_cache(maxsize=1)
def _rules_digest() -> str:
    """A SHA-256 digest of the extraction code, the vocabulary it writes, the data packaged with it
    (areas, departments …) and the versions of what it leans on (encoding detection, Unicode, Oxigraph)."""
    digest = hashlib.sha256(f"{metadata.version('charset-normalizer')} {unicodedata.unidata_version} {ox.__version__}".encode("ascii"))
    package = Path(__file__).resolve().parent
    files = {path.relative_to(package).as_posix(): path for path in sorted(package.rglob("*.py"))} | {"(ontology) terms.py": Path(terms.__file__)}
    for name, path in files.items():
        digest.update(name.encode("utf-8") + b"\0" + path.read_bytes())
    for entry in sorted(resources.files("policykg.data").iterdir(), key=lambda entry: entry.name):
        if entry.name.endswith(".tsv"):
            digest.update(entry.name.encode("utf-8") + b"\0" + entry.read_bytes())
    return digest.hexdigest()


@functools.lru_cache(maxsize=8)
def _extractor_version(gazetteer_digest: str) -> str:
    return hashlib.sha256(f"{_rules_digest()} {gazetteer_digest}".encode("ascii")).hexdigest()[:32]


def extractor_version(gazetteer: Gazetteer) -> str:
    """What extracted a graph: a digest of the extraction code, its data and the gazetteer. Each
    document graph records it; a build extracts a document again when it differs (another
    version of policykg, or another --gazetteer), even if the file's bytes are the same."""
    return _extractor_version(gazetteer.digest)


@dataclass(frozen=True)
class DocumentQuads:
    """One source document's quads, all in its own named graph: as N-Quads lines (each
    statement once) and as plain statements."""

    lines: list[str]
    statements: list[Statement]


def statements(quads: Iterable[ox.Quad]) -> list[Statement]:
    """Return Oxigraph quads as plain statements."""
    return [(quad.subject.value, quad.predicate.value, quad.object.value, isinstance(quad.object, ox.Literal)) for quad in quads]


def quads(extraction: Extraction) -> DocumentQuads:
    """Return the quads of one source document, all in its own named graph."""
    text = extraction.source.text
    meta = extraction.meta
    out = _Writer(graph_iri(extraction))
    source = document_node(extraction)

    # the source document: metadata, full text, provenance
    _describe_document(out, source, meta.title or extraction.parts[0].title, extraction.parts[0].kind)
    out.text(source, _PKG.docNumber, meta.doc_number)
    out.text(source, ox.NamedNode(_DCTERMS + "identifier"), meta.doc_number)
    out.date(source, ox.NamedNode(_DCTERMS + "issued"), meta.date_issued)
    out.text(source, _PKG.indexNumber, meta.index_number)
    out.text(source, _PKG.publicity, meta.publicity)
    out.date(source, _PKG.dateIssued, meta.date_issued)
    out.date(source, _PKG.datePublished, meta.date_published)
    out.date(source, _PKG.dateEffective, meta.date_effective)
    out.text(source, _PKG.text, text)
    out.text(source, _PKG.sourceFile, str(Path(extraction.source.path).resolve()))
    out.text(source, _PKG.sourceHash, extraction.source.sha256)
    out.text(source, _PKG.extractorVersion, extractor_version(extraction.gazetteer))
    out.text(source, _PKG.jurisdiction, extraction.jurisdiction)
    source_year = _year(meta.title) or (int(meta.date_issued[:4]) if meta.date_issued else None)
    if source_year:
        out.integer(source, _PKG.year, source_year)
    for issuer in extraction.issuers:
        _describe_agency(out, issuer, extraction)
        out.add(source, _PKG.issuedBy, agency_iri(issuer))

    # parts: the notice is the source document itself; transmitted documents and annexes hang under it
    part_nodes: list[ox.NamedNode] = []
    for part in extraction.parts:
        if part.role == "notice":
            node = source
        else:
            if part.role == "transmitted":
                node = mint("document", title_key(part.title, extraction.jurisdiction, extraction.gazetteer.place_names))
            else:
                node = mint("document", [source.value, "annex", normalize_title(part.title)])
            _describe_document(out, node, part.title, part.kind)
            parent = part_nodes[-1] if part.role == "annex" and len(part_nodes) > 1 else source
            out.add(parent, _PKG.hasPart, node)
            out.integer(node, _PKG.ordinal, part.ordinal)
            out.date(node, _PKG.dateIssued, meta.date_issued)
            part_year = _year(part.title) or source_year
            if part_year:  # the year a plan plans for or a summary sums up
                out.integer(node, _PKG.year, part_year)
            for issuer in extraction.issuers:
                out.add(node, _PKG.issuedBy, agency_iri(issuer))
            out.add(node, _PKG.sourceDocument, source)
            out.integer(node, _PKG.startOffset, part.span.start)
            out.integer(node, _PKG.endOffset, part.span.end)
            out.text(node, _PKG.extractedBy, part.rule)
        part_nodes.append(node)

    # sections
    section_nodes: dict[tuple[int, tuple[int, ...]], ox.NamedNode] = {}
    for section in extraction.sections:
        node = mint("section", [source.value, section.part, list(section.path)])
        section_nodes[(section.part, section.path)] = node
        parent = section_nodes.get((section.part, section.path[:-1]), part_nodes[section.part])
        out.a(node, _PKG.Section)
        out.add(parent, _PKG.hasPart, node)
        out.add(node, _PKG.isPartOf, part_nodes[section.part])  # the enclosing document, for queries
        out.text(node, _PKG.marker, section.marker)
        out.text(node, _PKG.title, section.title)
        out.text(node, _LABEL, f"{section.marker}{section.title}", "zh")
        out.integer(node, _PKG.level, section.level)
        out.integer(node, _PKG.ordinal, section.path[-1])
        out.add(node, _PKG.sourceDocument, source)
        out.integer(node, _PKG.startOffset, section.span.start)
        out.integer(node, _PKG.endOffset, section.span.end)
        out.text(node, _PKG.extractedBy, section.rule)

    # work items; a heading sentence stands for its section, a title for its document
    units: list[ox.NamedNode] = []
    for sentence in extraction.sentences:
        if sentence.is_heading:
            node = section_nodes.get((sentence.part, sentence.section), part_nodes[sentence.part])
        else:
            node = mint("item", [source.value, sentence.span.start, sentence.span.end])
            parent = section_nodes.get((sentence.part, sentence.section), part_nodes[sentence.part])
            out.a(node, _PKG.WorkItem)
            out.add(parent, _PKG.hasPart, node)
            out.add(node, _PKG.isPartOf, part_nodes[sentence.part])
            out.integer(node, _PKG.ordinal, sentence.ordinal)
            out.span(node, sentence.span, text, source, sentence.rule)
            out.text(node, _LABEL, sentence.text[:60] + ("…" if len(sentence.text) > 60 else ""), "zh")
        units.append(node)

    cited = _citations(out, extraction, units, source)
    _agencies(out, extraction, units, cited)
    _programs(out, extraction, units, source)
    _indicators(out, extraction, units, source)
    for index, assignment in extraction.found.get("areas", []):
        out.add(units[index], _PKG.policyArea, area_iri(assignment.area))
    return DocumentQuads(out.nquads(), out.statements)


def _year(title: str) -> int | None:
    found = re.search(r"(?<!\d)((?:19|20)\d{2})年(?!\s*[—–\-－至])", title)
    return int(found.group(1)) if found else None


def area_iri(area: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID_BASE}area/{area}")


def area_quads(scheme) -> DocumentQuads:
    """Return the policy-area scheme (and the document kinds) as SKOS concepts in its own named graph."""
    out = _Writer(AREAS_GRAPH)
    root = ox.NamedNode(f"{ID_BASE}area-scheme")
    out.add(root, _RDF_TYPE, ox.NamedNode(_SKOS + "ConceptScheme"))
    out.text(root, ox.NamedNode(_SKOS + "prefLabel"), "政策领域", "zh")
    out.text(root, ox.NamedNode(_SKOS + "prefLabel"), "Policy areas", "en")
    for area in scheme.areas.values():
        node = area_iri(area.id)
        out.a(node, _PKG.PolicyArea)
        out.add(node, _RDF_TYPE, ox.NamedNode(_SKOS + "Concept"))
        out.add(node, ox.NamedNode(_SKOS + "inScheme"), root)
        out.text(node, ox.NamedNode(_SKOS + "prefLabel"), area.zh, "zh")
        out.text(node, ox.NamedNode(_SKOS + "prefLabel"), area.en, "en")
        out.text(node, _LABEL, area.zh, "zh")
        out.text(node, ox.NamedNode(_SKOS + "notation"), area.id)
        if area.broader:
            out.add(node, ox.NamedNode(_SKOS + "broader"), area_iri(area.broader))
            out.add(area_iri(area.broader), ox.NamedNode(_SKOS + "narrower"), node)
        else:
            out.add(node, ox.NamedNode(_SKOS + "topConceptOf"), root)
        for keyword in area.keywords:
            out.text(node, ox.NamedNode(_SKOS + "hiddenLabel"), keyword, "zh")
    _kind_scheme(out)
    return DocumentQuads(out.nquads(), out.statements)


def _kind_scheme(out: _Writer) -> None:
    """Write the document kinds as a SKOS scheme: the kind classes' labels, every title ending as an altLabel."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDFS as _RDFS

    from policykg.ontology import ontology_turtle

    ontology = Graph().parse(data=ontology_turtle(), format="turtle")
    root = ox.NamedNode(f"{ID_BASE}kind-scheme")
    out.add(root, _RDF_TYPE, ox.NamedNode(_SKOS + "ConceptScheme"))
    out.text(root, ox.NamedNode(_SKOS + "prefLabel"), "文件类型", "zh")
    out.text(root, ox.NamedNode(_SKOS + "prefLabel"), "Document kinds", "en")
    endings: dict[str, list[str]] = {}
    for word, cls in KIND_CLASSES.items():
        endings.setdefault(str(cls), []).append(word)
    for cls, words in sorted(endings.items()):
        node = kind_iri(cls)
        out.add(node, _RDF_TYPE, ox.NamedNode(_SKOS + "Concept"))
        out.add(node, ox.NamedNode(_SKOS + "inScheme"), root)
        out.add(node, ox.NamedNode(_SKOS + "topConceptOf"), root)
        for label in ontology.objects(URIRef(cls), _RDFS.label):
            if isinstance(label, Literal) and label.language in ("zh", "en"):
                out.text(node, ox.NamedNode(_SKOS + "prefLabel"), str(label), label.language)
        for word in sorted(words):
            out.text(node, ox.NamedNode(_SKOS + "altLabel"), word, "zh")
        out.add(node, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"), ox.NamedNode(cls))


def _citations(out: _Writer, extraction: Extraction, units: list, source: ox.NamedNode) -> dict[tuple[int, int], ox.NamedNode]:
    """Write each citation; return the cited document of each title span."""
    text = extraction.source.text
    cited_at: dict[tuple[int, int], ox.NamedNode] = {}
    for index, citation in extraction.found.get("citations", []):
        unit = units[index]
        if citation.doc_number:
            cited = mint("document", ["docnumber", citation.doc_number])
        elif citation.code:
            cited = mint("document", ["standard", normalize_title(citation.code)])
        else:
            cited = mint("document", title_key(citation.title, extraction.jurisdiction, extraction.gazetteer.place_names))
        if citation.work:  # a book, film or journal: named, not a policy document
            out.a(cited, _PKG.CreativeWork)
            out.text(cited, _PKG.title, citation.title)
            out.text(cited, _LABEL, citation.title.strip(), "zh")
            out.text(cited, _PKG.kind, "work")
        else:
            _describe_document(out, cited, citation.title, kind_of(citation.title))
        out.text(cited, _PKG.docNumber, citation.doc_number)
        out.text(cited, _PKG.standardCode, citation.code)
        out.add(unit, RELATIONS[citation.relation], cited)
        out.add(unit, _PKG.cites, cited)
        node = mint("citation", [source.value, citation.span.start])
        out.a(node, _PKG.Citation)
        out.add(unit, _PKG.qualifiedCitation, node)
        out.add(node, _PKG.citedDocument, cited)
        out.text(node, _PKG.relation, citation.relation)
        out.text(node, _PKG.verb, citation.verb)
        out.text(node, _PKG.secondaryRelation, citation.secondary)
        out.span(node, citation.span, text, source, citation.rule)
        cited_at[(citation.span.start, citation.span.end)] = cited
    return cited_at


def _describe_agency(out: _Writer, canonical: str, extraction: Extraction) -> None:
    if canonical in out.described:
        return
    out.described.add(canonical)
    node = agency_iri(canonical)
    body = extraction.gazetteer.bodies.get(canonical)
    out.a(node, _PKG.Agency)
    if body and body.level == "群体":
        out.a(node, _PKG.AgencyGroup)
    out.text(node, _PKG.canonicalName, canonical)
    out.text(node, _LABEL, canonical, "zh")
    if body:
        for short in body.short_forms:
            out.text(node, _PKG.shortName, short)
        out.text(node, _PKG.adminLevel, body.level)
        if body.parent:
            out.add(node, _PKG.subOrganizationOf, agency_iri(body.parent))


def _agencies(out: _Writer, extraction: Extraction, units: list, cited: dict[tuple[int, int], ox.NamedNode]) -> None:
    roles = {"lead": _PKG.leadAgency, "partner": _PKG.partnerAgency, "mention": _PKG.mentionsAgency, "issuer": _PKG.mentionsAgency}
    explicit_lead: set[int] = set()
    for index, mention in extraction.found.get("agencies", []):
        _describe_agency(out, mention.canonical, extraction)
        out.add(units[index], roles[mention.role], agency_iri(mention.canonical))
        if mention.role == "lead":
            explicit_lead.add(index)
        if mention.role == "issuer":  # 由市政府办公厅出台《X》: X is issued by that body
            sentence = extraction.sentences[index].span
            nearby = [span for span in cited if sentence.start <= span[0] < sentence.end]
            if nearby:
                closest = min(nearby, key=lambda span: min(abs(span[0] - mention.span.end), abs(mention.span.start - span[1])))
                out.add(cited[closest], _PKG.issuedBy, agency_iri(mention.canonical))
    for issuer in extraction.issuers:  # no lead named: the document's issuers lead, implicitly
        for index, sentence in enumerate(extraction.sentences):
            if not sentence.is_heading and index not in explicit_lead:
                out.add(units[index], _PKG.implicitLeadAgency, agency_iri(issuer))
                out.add(units[index], _PKG.leadAgency, agency_iri(issuer))


def _programs(out: _Writer, extraction: Extraction, units: list, source: ox.NamedNode) -> None:
    for index, program in extraction.found.get("programs", []):
        node = mint("program", normalize_title(program.name))
        out.a(node, _PKG.Program)
        out.text(node, _PKG.name, program.name)
        out.text(node, _LABEL, program.name, "zh")
        if not extraction.sentences[index].is_heading:
            out.add(units[index], _PKG.involvesProgram, node)


def _indicators(out: _Writer, extraction: Extraction, units: list, source: ox.NamedNode) -> None:
    text = extraction.source.text
    for index, indicator in extraction.found.get("indicators", []):
        node = mint("indicator", [source.value, indicator.span.start, indicator.span.end])
        out.a(node, _PKG.Indicator)
        out.add(units[index], _PKG.hasIndicator, node)
        out.text(node, _PKG.measure, indicator.measure)
        out.add(node, _PKG.value, ox.Literal(_decimal(indicator.value), datatype=_DECIMAL))
        out.text(node, _PKG.unit, indicator.unit)
        out.text(node, _PKG.qualifier, indicator.qualifier)
        out.text(node, _PKG.kind, indicator.kind)
        if indicator.year:
            out.integer(node, _PKG.year, indicator.year)
        out.text(node, _LABEL, f"{indicator.measure} {text[indicator.span.start:indicator.span.end]}".strip(), "zh")
        if indicator.measure:  # one series per measure and jurisdiction: 上海市's 养老床位, year after year
            measure = mint("measure", [extraction.jurisdiction, normalize_title(indicator.measure)])
            out.a(measure, _PKG.Measure)
            out.text(measure, _LABEL, indicator.measure, "zh")
            out.text(measure, _PKG.jurisdiction, extraction.jurisdiction)
            out.add(node, _PKG.ofMeasure, measure)
        out.span(node, indicator.span, text, source, indicator.rule)


def _decimal(value: float) -> str:
    return format(value, "f").rstrip("0").rstrip(".") if "." in format(value, "f") else format(value, "f")


def document_titles(statements: Iterable[Statement]) -> dict[str, set[str]]:
    """Return the titles of the policy documents among some statements."""
    document, title, kind = _PKG.PolicyDocument.value, _PKG.title.value, _RDF_TYPE.value
    documents: set[str] = set()
    written: dict[str, set[str]] = {}
    for subject, predicate, obj, _ in statements:
        if predicate == kind and obj == document:
            documents.add(subject)
        elif predicate == title:
            written.setdefault(subject, set()).add(obj)
    return {node: titles for node, titles in written.items() if node in documents}


def resolution_lines(found: list) -> list[str]:
    """Return the quads of title matches as N-Quads lines: pkg:possibleSameAs both ways and a
    pkg:TitleMatch with score and reasons."""
    out = _Writer(RESOLUTION_GRAPH)
    for match in found:
        first, second = ox.NamedNode(match.first), ox.NamedNode(match.second)
        out.add(first, _PKG.possibleSameAs, second)
        out.add(second, _PKG.possibleSameAs, first)
        node = mint("match", [match.first, match.second])
        out.a(node, _PKG.TitleMatch)
        out.add(node, _PKG.matchedDocument, first)
        out.add(node, _PKG.matchedDocument, second)
        out.add(node, _PKG.matchScore, ox.Literal(str(match.score), datatype=_DECIMAL))
        for reason in match.reasons:
            out.text(node, _PKG.matchReason, reason)
        out.text(node, _PKG.extractedBy, "resolve.v1")
    return out.nquads()


def ontology_quads() -> list[ox.Quad]:
    """Return the ontology as quads in its own named graph.

    Its blank nodes (the lists of owl:unionOf) are renamed in order of appearance, so that
    loading the same ontology twice gives the same quads.
    """
    from policykg.ontology import ontology_turtle

    names: dict[str, ox.BlankNode] = {}

    def stable(term):
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term.value, ox.BlankNode(f"ontology{len(names)}"))
        return term

    return [
        ox.Quad(stable(t.subject), t.predicate, stable(t.object), ONTOLOGY_GRAPH)
        for t in ox.parse(ontology_turtle(), format=ox.RdfFormat.TURTLE)
    ]

