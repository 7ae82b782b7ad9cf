"""The benchmark's synthetic corpus: reproducible, and what it plants is what extraction finds."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

from policykg import queries, results
from policykg.build import build
from policykg.store import KnowledgeStore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import BUREAUS, CITIES, MEASURES, Truth, _pool, _programs, _Writer, generate  # noqa: E402
from scale import _truth_rows  # noqa: E402


def run(store, name, params=None):
    return results.run(store, queries.load(name), params or {})


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


def test_a_bureau_states_its_own_fields_measures_each_once_in_a_plan_or_summary():
    writer = _Writer(random.Random(5), _pool(random.Random(5)), _programs(random.Random(5)), Truth())
    stated = 0
    for number in range(0, 2 * len(CITIES) * len(BUREAUS), 7):
        field = BUREAUS[(number // len(CITIES)) % len(BUREAUS)][1]
        for part in writer.document(number).split("工作总结\n", 1):  # the plan, then the summary under its title
            for name, measures in MEASURES.items():
                for unit, measure, _ in measures:
                    found = len(re.findall(rf"\d+{unit}{measure}[，。]", part))
                    assert found <= (1 if name == field else 0), (number, measure)
                    stated += found
    assert stated > 300


def test_extraction_finds_what_the_generator_planted(tmp_path):
    truth = generate(tmp_path / "corpus", 30)
    store = KnowledgeStore(tmp_path / "kg")
    build([tmp_path / "corpus"], store)
    scores = {row["what"]: row for row in _truth_rows(store, truth)}
    assert scores["citations (title)"]["recall"] == 1.0 and scores["citations (title)"]["precision"] == 1.0
    assert scores["citations (title, relation)"]["recall"] >= 0.95
    assert scores["programs (distinct)"]["recall"] == 1.0 and scores["programs (distinct)"]["precision"] == 1.0
    assert scores["indicators (kind, measure, value, unit)"]["recall"] >= 0.9


def test_a_target_meets_the_results_of_its_own_year_else_the_latest_before(tmp_path):
    # One city's bureau in three years: each notice carries that year's plan and last year's summary.
    writer = _Writer(random.Random(3), _pool(random.Random(3)), _programs(random.Random(3)), Truth())
    step = len(CITIES) * len(BUREAUS)
    for number in (0, step, 2 * step):
        (tmp_path / f"doc-{number}.txt").write_text(writer.document(number), encoding="utf-8")
    store = KnowledgeStore(tmp_path / "kg")
    build([tmp_path], store)
    results = {}
    for row in run(store, "indicators").rows:
        if row["kind"] == "actual" and row["measure"]:
            results.setdefault((row["measure"], row["unit"]), set()).add(row["year"])
    rows = run(store, "targets-vs-results").rows
    assert rows and {row["target_year"] for row in rows} >= {2019, 2020}
    for row in rows:
        years = results[row["measure"], row["unit"]]
        assert row["actual_year"] == max(year for year in years if year <= row["target_year"])
    assert any(row["actual_year"] == row["target_year"] for row in rows)
    assert not any(row["actual_year"] < row["target_year"] and row["target_year"] in results[row["measure"], row["unit"]] for row in rows)


def test_entities_named_in_many_documents_are_counted_once(tmp_path):
    generate(tmp_path / "corpus", 30)
    store = KnowledgeStore(tmp_path / "kg")
    build([tmp_path / "corpus"], store)
    agencies = run(store, "agencies").rows
    assert len(agencies) == len({row["agency"] for row in agencies})
    cited = store.query("PREFIX pkg: <https://w3id.org/policykg/ontology#> SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?c pkg:citedDocument ?d }")
    assert len(run(store, "regulations").rows) == int(next(iter(cited))["n"].value)
    charity = next(row for row in run(store, "regulations").rows if row["regulation"] == "中华人民共和国慈善法")
    assert charity["citations"] == len(run(store, "trace", {"title": "中华人民共和国慈善法"}).rows)
    for row in run(store, "unresolved").rows:
        if row["problem"] == "possibly the same document":
            reasons = row["detail"].rsplit(": ", 1)[1].rstrip(")").split(", ")
            assert len(reasons) == len(set(reasons))
