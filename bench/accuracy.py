"""Score the extractors against the hand-written golden files of the seed document.

Run: .venv/bin/python bench/accuracy.py
Prints precision and recall of each extractor's spans, and how often the extracted
attributes (relation, canonical name, value …) agree with the golden record.
"""

from __future__ import annotations

import json
from pathlib import Path

from policykg.graph_builder import pipeline, reader
from policykg.graph_builder.gazetteer import Gazetteer

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "documents" / "shanghai-2025-civil-affairs-plan-and-2024-summary.txt"
GOLDEN = ROOT / "tests" / "golden"


def golden(name: str) -> dict[tuple[int, int], dict]:
    records = [json.loads(line) for line in (GOLDEN / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return {(record["start"], record.get("end", record["start"])): record for record in records}


def score(name: str, expected: dict, actual: dict, agree) -> tuple:
    hits = set(expected) & set(actual)
    same = sum(1 for key in hits if agree(expected[key], actual[key]))
    return (name, len(expected), len(actual), len(hits) / max(len(actual), 1), len(hits) / max(len(expected), 1), same / max(len(hits), 1))


def main() -> None:
    found = pipeline.extract(reader.read(SEED), Gazetteer.load()).found
    by_span = lambda records: {(r.span.start, r.span.end): r for _, r in records}  # noqa: E731
    rows = [
        score("citations", golden("seed.citations.jsonl"), by_span(found["citations"]),
              lambda g, a: (g["title"], g["relation"], g["verb"], g["secondary"]) == (a.title, a.relation, a.verb, a.secondary)),
        score("agencies", golden("seed.agencies.jsonl"), by_span(found["agencies"]), lambda g, a: g["canonical"] == a.canonical),
        score("programs", {(k[0], k[0]): v for k, v in golden("seed.programs.jsonl").items()},
              {(r.span.start, r.span.start): r for _, r in found["programs"]}, lambda g, a: g["name"] == a.name),
        score("indicators (value, unit, kind, year)", golden("seed.indicators.jsonl"), by_span(found["indicators"]),
              lambda g, a: (g["value"], g["unit"], g["kind"], g["year"]) == (a.value, a.unit, a.kind, a.year)),
        score("indicators (measure overlaps)", golden("seed.indicators.jsonl"), by_span(found["indicators"]),
              lambda g, a: bool(a.measure) and (g["measure"] in a.measure or a.measure in g["measure"])),
        score("indicators (qualifier exact)", golden("seed.indicators.jsonl"), by_span(found["indicators"]),
              lambda g, a: g["qualifier"] == a.qualifier),
    ]
    header = ("extractor", "golden", "found", "precision", "recall", "attributes agree")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for name, expected, actual, precision, recall, agree in rows:
        print(f"{name} | {expected} | {actual} | {precision:.3f} | {recall:.3f} | {agree:.3f}")


if __name__ == "__main__":
    main()
