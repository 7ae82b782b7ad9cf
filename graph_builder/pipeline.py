"""Run the extractors over a document: text → records, with each record tied to its text unit.

The extractors are listed in one registry, :data:`EXTRACTORS`; the runner names the one
that failed. A bracketed responsibility list (［市民政局、市财政局按职责分工负责］) stands
at the end of a paragraph and assigns its bodies to every sentence of that paragraph.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from policykg.graph_builder import metadata, segment
from policykg.graph_builder.areas import AreaScheme
from policykg.graph_builder.extractors import agencies, citations, indicators, programs
from policykg.graph_builder.gazetteer import Gazetteer
from policykg.graph_builder.reader import Source
from policykg.graph_builder.records import AreaAssignment, DocumentMeta, Part, Section, Sentence

PLAN_KINDS = frozenset({"工作要点", "计划", "行动计划", "方案", "行动方案", "实施方案", "工作方案", "规划", "纲要", "措施", "意见", "实施意见", "指导意见"})
SUMMARY_KINDS = frozenset({"工作总结"})
REPORT_KINDS = frozenset({"政府工作报告", "工作报告"})
_REVIEW = re.compile(r"回顾|总结|成绩|成效|进展|完成情况|过去一年|过去五年|上年|去年|主要工作情况|工作情况|取得")
_OUTLOOK = re.compile(r"目标|任务|安排|部署|思路|打算|下一步|总体要求|重点工作|今年|明年|展望|计划")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年")


class ExtractionError(RuntimeError):
    """An extractor failed on a document; the message names the file and the extractor."""


@dataclass(frozen=True)
class Context:
    """What every extractor may know about the document besides its text."""

    text: str
    parts: list[Part]
    sections: list[Section]
    gazetteer: Gazetteer
    areas: AreaScheme
    jurisdiction: str
    year: int | None  # the year the document is dated
    known: dict = field(default_factory=dict, compare=False, repr=False)  # headings and tense per (part, section path)

    def headings(self, sentence: Sentence) -> list[Section]:
        """Return the sections a sentence stands in, innermost first."""
        return self._headings(sentence.part, sentence.section)

    def _headings(self, part: int, path: tuple[int, ...]) -> list[Section]:
        if ("headings", part, path) not in self.known:
            paths = {path[:depth] for depth in range(1, len(path) + 1)}
            inside = [section for section in self.sections if section.part == part and section.path in paths]
            self.known["headings", part, path] = sorted(inside, key=lambda section: -section.level)
        return self.known["headings", part, path]

    def tense(self, sentence: Sentence) -> tuple[str, int | None]:
        """Return whether a sentence's numbers are targets or results, and of which year.

        A summary reports results of the year in its title; a 政府工作报告 reviews last year
        under headings like 2024年工作回顾 and sets this year's goals under 2025年工作安排;
        any other document — plan, measures, scheme, notice — sets targets for the year it
        names, else the year it is dated.
        """
        if ("tense", sentence.part, sentence.section) not in self.known:
            self.known["tense", sentence.part, sentence.section] = self._tense(sentence.part, sentence.section)
        return self.known["tense", sentence.part, sentence.section]

    def _tense(self, index: int, path: tuple[int, ...]) -> tuple[str, int | None]:
        part = self.parts[index]
        titled = _YEAR.search(part.title)
        year = int(titled.group(1)) if titled else self.year
        for section in self._headings(index, path):  # a heading says it first: 2025年工作思路 inside a summary
            heading_year = _YEAR.search(section.title)
            if _REVIEW.search(section.title) and not _OUTLOOK.search(section.title):
                return "actual", int(heading_year.group(1)) if heading_year else (year - 1 if year and part.kind in REPORT_KINDS else year)
            if _OUTLOOK.search(section.title):
                return "target", int(heading_year.group(1)) if heading_year else (year + 1 if year and part.kind in SUMMARY_KINDS else year)
        if part.kind in SUMMARY_KINDS:
            return "actual", year
        return "target", year


def _citations(sentence: Sentence, context: Context):
    done = context.tense(sentence)[0] == "actual"  # 制定《X》 under 2024年工作回顾 was issued
    return citations.extract(sentence, context.text, done)


def _agencies(sentence: Sentence, context: Context):
    if sentence.is_heading and not sentence.section:
        return ()  # a document's own title names its issuer, which the header already gives
    return agencies.extract(sentence, context.text, context.gazetteer, context.jurisdiction)


def _programs(sentence: Sentence, context: Context):
    return programs.extract(sentence, context.text)


def _indicators(sentence: Sentence, context: Context):
    if sentence.is_heading:
        return ()
    kind, year = context.tense(sentence)
    return indicators.extract(sentence, context.text, kind, year)


def _areas(sentence: Sentence, context: Context):
    if sentence.is_heading:
        return ()
    for section in context.headings(sentence):
        found = context.areas.match(section.title)
        if found:
            return (AreaAssignment(section.title_span, found[0], found[1], "heading"),)
    found = context.areas.match(sentence.text)
    if found:
        return (AreaAssignment(sentence.span, found[0], found[1], "sentence"),)
    part = context.parts[sentence.part]
    found = context.areas.match(part.title)
    return (AreaAssignment(part.title_span, found[0], found[1], "title"),) if found else ()


EXTRACTORS: dict[str, Callable[[Sentence, Context], object]] = {
    "citations": _citations,
    "agencies": _agencies,
    "programs": _programs,
    "indicators": _indicators,
    "areas": _areas,
}


@dataclass
class Extraction:
    """Everything found in one source document."""

    source: Source
    doc_id: str
    meta: DocumentMeta
    jurisdiction: str
    issuer: str  # the first issuer's canonical name when the gazetteer knows it, else as written
    issuers: tuple[str, ...]  # every issuer of a joint document (财政部 民政部关于…), canonical where known
    gazetteer: Gazetteer
    parts: list[Part]
    sections: list[Section]
    sentences: list[Sentence]
    # records by extractor name, each as (index of its sentence, record)
    found: dict[str, list[tuple[int, object]]] = field(default_factory=dict)


def extract(source: Source, gazetteer: Gazetteer, areas: AreaScheme | None = None) -> Extraction:
    """Segment a document and run every registered extractor over its sentences."""
    meta = metadata.read_meta(source.text)
    doc_id = source.path.rsplit("/", 1)[-1]
    try:
        parts, sections, sentences = segment.segment(doc_id, source.text, meta.issuer)
    except Exception as error:  # a bug in segmentation must name the file, not crash the build
        raise ExtractionError(f"{source.path}: segmentation failed: {type(error).__name__}: {error}") from error
    issuers = _issuers(meta.issuer, gazetteer)
    issuer = issuers[0] if issuers else ""
    jurisdiction = gazetteer.jurisdiction_of_issuer(issuer)
    dated = _YEAR.search(meta.date_issued.replace("-", "年", 1) if meta.date_issued else meta.title)
    scheme = areas or _default_areas()
    context = Context(source.text, parts, sections, gazetteer, scheme, jurisdiction, int(dated.group(1)) if dated else None)
    result = Extraction(source, doc_id, meta, jurisdiction, issuer, issuers, gazetteer, parts, sections, sentences)
    for name, extractor in EXTRACTORS.items():
        records: list[tuple[int, object]] = []
        try:
            for index, sentence in enumerate(sentences):
                records.extend((index, record) for record in extractor(sentence, context))
        except Exception as error:
            raise ExtractionError(f"{source.path}: extractor {name!r} failed: {type(error).__name__}: {error}") from error
        result.found[name] = records
    result.found["agencies"] = _spread_responsibility(result.found["agencies"], sentences, source.text)
    return result


_SCHEME: list[AreaScheme] = []


def _default_areas() -> AreaScheme:
    """The packaged area scheme, read once when first needed."""
    if not _SCHEME:
        _SCHEME.append(AreaScheme.load())
    return _SCHEME[0]


def _issuers(written: str, gazetteer: Gazetteer) -> tuple[str, ...]:
    """Split a joint issuer (财政部 民政部, 民政部、财政部) and resolve each body it names."""
    if not written:
        return ()
    whole = gazetteer.resolve(written, "")
    if whole:
        return (whole,)
    names = [piece for name in re.split(r"[\s\u3000、]+", written) if name for piece in _joined(name, gazetteer)]
    first = gazetteer.jurisdiction_of_issuer(gazetteer.resolve(names[0], "") or names[0]) if names else ""
    return tuple(dict.fromkeys(gazetteer.resolve(name, first) or name for name in names))


_BODY_END = re.compile(r"(?:[部委局厅办院署会府室处行联团协]|中心)$")
_BODY_START = re.compile(r"^(?:[省市区县州盟旗]|自治区|国家|国务院|中央|中共|全国|中国)")


def _joined(name: str, gazetteer: Gazetteer) -> list[str]:
    """Cut a joint issuer written with 和 (民政部和财政部, 工业和信息化部和财政部) into its bodies,
    but not the 和 inside one body's name (人力资源和社会保障局, 呼和浩特市, 中华人民共和国).

    The fewest cuts whose pieces the gazetteer all knows win; failing that, the most whose
    pieces all look like bodies (a body's head and ending: 省财政厅和省人力资源和社会保障厅);
    failing both, the name stays whole."""
    if gazetteer.resolve(name, ""):
        return [name]
    cuts = [index for index, char in enumerate(name) if char == "和" and name[index - 1 : index + 2] != "共和国"][:6]
    def known(piece: str) -> bool:
        return bool(gazetteer.resolve(piece, ""))

    def looks(piece: str) -> bool:  # a body's head (省, 国家, 中国, a place) and a body's ending (部, 局, 中心 …)
        return known(piece) or bool(_BODY_END.search(piece)) and (bool(_BODY_START.search(piece)) or piece.startswith(gazetteer.place_names))

    for test in (known, looks):  # known bodies: the fewest cuts; look-alikes: the most (X和Y looks like one body too)
        for size in range(1, len(cuts) + 1) if test is known else range(len(cuts), 0, -1):
            for chosen in itertools.combinations(cuts, size):
                bounds = [-1, *chosen, len(name)]
                pieces = [name[start + 1 : stop] for start, stop in zip(bounds, bounds[1:])]
                if all(len(piece) >= 2 and test(piece) for piece in pieces):
                    return pieces
    return [name]


def _spread_responsibility(found: list[tuple[int, object]], sentences: list[Sentence], text: str) -> list[tuple[int, object]]:
    """Give the lead and partners of a paragraph's responsibility list to each sentence of it."""
    out = list(found)
    breaks = [index for index, char in enumerate(text) if char == "\n"]
    line_of = [bisect.bisect_left(breaks, sentence.span.start) for sentence in sentences]  # newlines before each sentence
    on_line: dict[int, list[int]] = {}
    for index, line in enumerate(line_of):
        on_line.setdefault(line, []).append(index)
    for index, mention in found:
        if mention.role == "mention" or not agencies.is_responsibility(sentences[index].text):
            continue
        for other in on_line[line_of[index]]:
            if other != index and not sentences[other].is_heading:
                out.append((other, mention))
    return out
