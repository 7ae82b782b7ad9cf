"""Where a document's extraction time goes, stage by stage, in one process.

Writes a synthetic corpus (bench/corpus.py), then times over its documents: reading, the
extraction rules (segmentation and extractors), making the quads, joining them into N-Quads
text, and the titles and search rows a build sends back to its writer. Prints ms of CPU per
document for each stage.

Run: .venv/bin/python bench/stages.py [--documents 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from policykg import search
from policykg.graph_builder import pipeline, reader, triples
from policykg.graph_builder.gazetteer import Gazetteer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    options = parser.parse_args()
    gazetteer = Gazetteer.load()
    with tempfile.TemporaryDirectory() as scratch:
        generate(Path(scratch), options.documents)
        files = sorted(Path(scratch).glob("*.txt"))
        times: dict[str, float] = {}

        def timed(stage: str, work):
            started = time.process_time()
            done = work()
            times[stage] = (time.process_time() - started) * 1000 / len(files)
            return done

        sources = timed("read", lambda: [reader.read(path) for path in files])
        extractions = timed("rules", lambda: [pipeline.extract(source, gazetteer) for source in sources])
        written = timed("quads", lambda: [triples.quads(extraction) for extraction in extractions])
        timed("N-Quads text", lambda: ["".join(quads.lines).encode("utf-8") for quads in written])
        timed("titles and search rows", lambda: [(triples.document_titles(quads.statements),
                                                  search.index_rows(triples.graph_iri(extraction).value, quads.statements))
                                                 for extraction, quads in zip(extractions, written)])
    quads = sum(len(item.lines) for item in written) / len(files)
    print(f"{len(files)} documents, {quads:,.0f} quads a document; ms of CPU a document:")
    for stage, ms in times.items():
        print(f"  {stage:<24}{ms:6.2f}")
    print(f"  {'all':<24}{sum(times.values()):6.2f}")


if __name__ == "__main__":
    main()
