"""Records: what extraction finds, as frozen dataclasses that carry their source span.

Every record names the document it came from (``doc_id``), the half-open character span
``[start, end)`` into that document's text, and the rule that produced it
(``"citations.v1"``), so that every fact in the graph can be traced back to its source.
Records know nothing of RDF; :mod:`policykg.graph_builder.triples` turns them into quads.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Span:
    """A half-open character span ``[start, end)`` of a document's text."""

    doc_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Part:
    """A document inside a source file: the file's own notice, or one it transmits."""

    span: Span
    title: str
    kind: str  # the kind word taken from the title ending: 通知, 工作要点, 方案 …
    role: str  # "notice" for the file's own document, "transmitted", "annex"
    ordinal: int
    title_span: Span | None = None  # where the title is written (it may wrap onto a second line)
    rule: str = "segment.v1"


@dataclass(frozen=True)
class Section:
    """A numbered part of a document: 一、 → (一) → 一是 / 1."""

    span: Span
    part: int  # ordinal of the Part it belongs to
    path: tuple[int, ...]  # ordinals from the part down, (2, 1) = 二、(一)
    marker: str  # the number as written: "一、", "(一)", "一是", "1．"
    title: str
    title_span: Span
    rule: str = "segment.v1"

    @property
    def level(self) -> int:
        return len(self.path)


@dataclass(frozen=True)
class Sentence:
    """A work item: one sentence or clause of a document's body, or a heading's title."""

    span: Span
    part: int
    section: tuple[int, ...]  # path of the innermost enclosing section, () when none
    ordinal: int  # position within the part
    text: str
    is_heading: bool = False
    rule: str = "segment.v1"


@dataclass(frozen=True)
class Citation:
    """One 《》 title occurrence and what the sentence does to the titled document."""

    span: Span  # from 《 to just after 》
    title: str  # as written between the brackets
    relation: str  # issues | amends | drafts | implements | basedOn | mentions
    verb: str  # the governing verb as written, "" when none
    secondary: str = ""  # relation of a second action on the same title, "" when none
    doc_number: str = ""  # 文号 written right after the title, when given
    code: str = ""  # a standard's code written before or after the title (GB/T 35796—2017《…》)
    work: bool = False  # a book, film, journal or play: a creative work, not a policy document
    rule: str = "citations.v1"


@dataclass(frozen=True)
class AgencyMention:
    """A named government body or group of bodies, resolved to its canonical name."""

    span: Span
    quote: str
    canonical: str
    role: str = "mention"  # lead | partner | mention
    rule: str = "agencies.v1"


@dataclass(frozen=True)
class ProgramMention:
    """A named program, project, campaign or brand written in “”."""

    span: Span  # from “ to just after the closing quote
    name: str
    rule: str = "programs.v1"


@dataclass(frozen=True)
class Indicator:
    """A measured quantity: what, how much, in what unit, planned or achieved, when."""

    span: Span  # the number with its unit
    measure: str
    value: float
    unit: str
    qualifier: str
    kind: str  # target | actual | ""
    year: int | None
    rule: str = "indicators.v1"


@dataclass(frozen=True)
class DocumentMeta:
    """What the header of a document says about it."""

    title: str = ""
    issuer: str = ""
    doc_number: str = ""  # 文号
    index_number: str = ""  # 索取号
    publicity: str = ""  # 公开类别
    date_issued: str = ""  # ISO date the document was signed (成文日期)
    date_published: str = ""  # ISO date it was published (发布日期)
    date_effective: str = ""  # ISO date it takes effect (施行日期)
    extra: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def as_json(record) -> dict:
    """Return a record as a plain dict, its span flattened to ``start``/``end``."""
    data = asdict(record)
    span = data.pop("span", None)
    if span:
        data["start"], data["end"] = span["start"], span["end"]
    return data


@dataclass(frozen=True)
class AreaAssignment:
    """The policy area of a work item and the words that decided it."""

    span: Span  # the heading or sentence whose words decided
    area: str  # the concept's id in the area scheme
    keyword: str
    via: str  # "heading", "sentence" or "title" (of the document it stands in)
    rule: str = "areas.v1"
