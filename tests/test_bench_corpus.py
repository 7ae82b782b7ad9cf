"""The benchmark's synthetic corpus: reproducible, and what it plants is what extraction finds."""

from __future__ import annotations

import sys
from pathlib import Path

from policykg.build import build
from policykg.store import KnowledgeStore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import generate  # noqa: E402
from scale import _truth_rows  # noqa: E402


def test_the_same_seed_writes_the_same_corpus(tmp_path):
    first, second = generate(tmp_path / "a", 5), generate(tmp_path / "b", 5)
    assert first == second
    assert [path.read_bytes() for path in sorted((tmp_path / "a").iterdir())] == [path.read_bytes() for path in sorted((tmp_path / "b").iterdir())]
    assert generate(tmp_path / "c", 5, seed=8).citations != first.citations


def test_citations_are_skewed_across_a_shared_pool(tmp_path):
    truth = generate(tmp_path, 60)
    counts = sorted(truth.citations.values(), reverse=True)
    assert counts[0] >= 10 * counts[len(counts) // 2]  # a few titles are cited everywhere, most rarely
    assert truth.documents == 60 and len(list(tmp_path.iterdir())) == 60


def test_extraction_finds_what_the_generator_planted(tmp_path):
    truth = generate(tmp_path / "corpus", 30)
    store = KnowledgeStore(tmp_path / "kg")
    build([tmp_path / "corpus"], store)
    scores = {row["what"]: row for row in _truth_rows(store, truth)}
    assert scores["citations (title)"]["recall"] == 1.0 and scores["citations (title)"]["precision"] == 1.0
    assert scores["citations (title, relation)"]["recall"] >= 0.95
    assert scores["programs (distinct)"]["recall"] == 1.0 and scores["programs (distinct)"]["precision"] == 1.0
    assert scores["indicators (kind, measure, value, unit)"]["recall"] >= 0.9
