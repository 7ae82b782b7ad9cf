"""Score extraction against the hand-written golden files: precision and recall per record type.

Golden files live in ``tests/golden/`` as ``NAME.TYPE.jsonl`` for each document of ``data/``
(NAME is ``seed`` for the Shanghai notice, else the document's first word). A found record
matches a golden one when their spans are equal (programs: when they start at the same
place); "right" additionally needs the attributes the golden file records to agree:

- citations: relation (and, reported apart, verb and secondary relation);
- agencies: canonical name and role;
- programs: name;
- indicators: value, unit, kind and measure. Measures are phrases an annotator chooses, so
  two measures agree when they are equal after normalisation, when their character bigrams
  overlap with a Dice coefficient of at least 0.5 (中级以上技能等级养老护理员 ≈
  中级及以上技能等级养老护理员), or when one contains the other and both end in the same
  head character (用户 ≈ 为老服务“一键通”项目用户); 资金 ≠ 老年综合津贴.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from policykg.graph_builder import pipeline, reader
from policykg.graph_builder.gazetteer import Gazetteer
from policykg.graph_builder.text import normalize_title

TYPES = ("citations", "agencies", "programs", "indicators")


def _bigrams(text: str) -> list[str]:
    return [text[index : index + 2] for index in range(len(text) - 1)] or [text]


def same_measure(expected: str, found: str) -> bool:
    """Tell whether two measure phrases name the same thing (equal, same head, or bigram Dice ≥ 0.5)."""
    expected, found = normalize_title(expected).strip('"'), normalize_title(found).strip('"')
    if expected == found:
        return True
    if not expected or not found:
        return False
    shorter, longer = sorted((expected, found), key=len)
    if shorter in longer and shorter[-1] == longer[-1]:
        return True
    left, right = Counter(_bigrams(expected)), Counter(_bigrams(found))
    return 2 * sum((left & right).values()) / (sum(left.values()) + sum(right.values())) >= 0.5


def _key(kind: str, record: dict) -> tuple[int, int]:
    return (record["start"], record["start"]) if kind == "programs" else (record["start"], record["end"])


def _right(kind: str, expected: dict, found: dict) -> bool:
    if kind == "citations":
        return expected["relation"] == found["relation"]
    if kind == "agencies":
        return expected["canonical"] == found["canonical"] and expected.get("role", found["role"]) == found["role"]
    if kind == "programs":
        return expected["name"] == found["name"]
    return (
        expected["value"] == found["value"] and expected["unit"] == found["unit"]
        and expected["kind"] == found["kind"] and same_measure(expected["measure"], found["measure"])
    )


@dataclass(frozen=True)
class Score:
    document: str
    kind: str
    golden: int
    found: int
    matched: int  # same span
    right: int  # same span and the attributes above agree

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.golden if self.golden else 1.0

    @property
    def spurious(self) -> float:
        return (self.found - self.matched) / self.found if self.found else 0.0


def found_records(extraction: pipeline.Extraction) -> dict[str, list[dict]]:
    """Return an extraction's records as golden-file dicts, one per occurrence."""
    out: dict[str, list[dict]] = {kind: [] for kind in TYPES}
    seen: set[tuple] = set()
    for kind in TYPES:
        for _, record in extraction.found.get(kind, []):
            if (kind, record.span) in seen:  # a responsibility list is attached to several sentences
                continue
            seen.add((kind, record.span))
            data = {"start": record.span.start, "end": record.span.end}
            data.update({key: value for key, value in vars(record).items() if key not in ("span", "rule")})
            out[kind].append(data)
    return out


def score(document: str, extraction: pipeline.Extraction, golden_dir: Path) -> list[Score]:
    """Score one document's extraction against each of its golden files."""
    found = found_records(extraction)
    scores = []
    for kind in TYPES:
        path = golden_dir / f"{document}.{kind}.jsonl"
        if not path.exists():
            continue
        expected = {_key(kind, record): record for record in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if record}
        actual = {_key(kind, record): record for record in found[kind]}
        matched = set(expected) & set(actual)
        right = sum(1 for key in matched if _right(kind, expected[key], actual[key]))
        scores.append(Score(document, kind, len(expected), len(actual), len(matched), right))
    return scores


def evaluate(documents: dict[str, Path], golden_dir: Path) -> list[Score]:
    """Extract each document and score it against its golden files."""
    gazetteer = Gazetteer.load()
    out: list[Score] = []
    for name, path in documents.items():
        out.extend(score(name, pipeline.extract(reader.read(path), gazetteer), golden_dir))
    return out


def table(scores: list[Score]) -> str:
    """Render scores as a Markdown table, with totals per record type."""
    lines = ["| document | records | golden | found | right | precision | recall | spurious |", "|---|---|---|---|---|---|---|---|"]
    for item in scores:
        lines.append(f"| {item.document} | {item.kind} | {item.golden} | {item.found} | {item.right} | {item.precision:.3f} | {item.recall:.3f} | {item.spurious:.3f} |")
    for kind in TYPES:
        parts = [item for item in scores if item.kind == kind]
        if parts:
            total = Score("all", kind, *(sum(getattr(item, field) for item in parts) for field in ("golden", "found", "matched", "right")))
            lines.append(f"| **all** | {kind} | {total.golden} | {total.found} | {total.right} | {total.precision:.3f} | {total.recall:.3f} | {total.spurious:.3f} |")
    return "\n".join(lines)
