"""Measure what `policykg build --infer` costs: build time and quads with and without it (`make bench`).

Run: .venv/bin/python bench/infer.py [--corpus 1000] — prints a table and writes
bench/out/infer.json; --corpus adds that many documents of the synthetic corpus (bench/corpus.py),
built once each way with 2 jobs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from policykg.build import build
from policykg.results import run
from policykg.store import KnowledgeStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
INPUTS = {"seed": [ROOT / "data/documents/shanghai-2025-civil-affairs-plan-and-2024-summary.txt"], "data/documents": [ROOT / "data/documents"]}
OUT = Path(__file__).resolve().parent / "out"


def measure(paths: list[Path], infer: bool, repeats: int = 3, jobs: int = 1) -> tuple[float, int, int]:
    times, quads, inferred = [], 0, 0
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as folder:
            store = KnowledgeStore(Path(folder) / "kg")
            started = time.perf_counter()
            report = build(paths, store, infer=infer, jobs=jobs)
            times.append(time.perf_counter() - started)
            quads = report.quads
            inferred = run(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/policykg/graph/inferred> { ?s ?p ?o } }").rows[0]["n"]
    return statistics.median(times), quads, inferred


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=int, default=0, help="also this many synthetic documents")
    options = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    rows = []
    for name, paths in INPUTS.items():
        plain, quads, _ = measure(paths, False)
        inferring, _, inferred = measure(paths, True)
        rows.append({"input": name, "quads": quads, "build_s": round(plain, 2), "build_infer_s": round(inferring, 2), "inferred_triples": inferred})
    if options.corpus:
        with tempfile.TemporaryDirectory() as folder:
            generate(Path(folder), options.corpus)
            plain, quads, _ = measure([Path(folder)], False, repeats=1, jobs=2)
            inferring, _, inferred = measure([Path(folder)], True, repeats=1, jobs=2)
            rows.append({"input": f"{options.corpus} documents", "quads": quads, "build_s": round(plain, 2), "build_infer_s": round(inferring, 2),
                         "inferred_triples": inferred})
    print("build --infer (median of 3 builds; a corpus once)")
    print(f"{'input':<16} {'quads':>9} {'build s':>8} {'with --infer s':>15} {'inferred triples':>17}")
    for row in rows:
        print(f"{row['input']:<16} {row['quads']:>9,} {row['build_s']:>8.2f} {row['build_infer_s']:>15.2f} {row['inferred_triples']:>17,}")
    (OUT / "infer.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
