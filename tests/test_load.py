"""The endpoint under concurrent load on loopback: the benchmark's load test, small."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from load import load, mix, serve  # noqa: E402


def test_concurrent_clients_get_every_answer_whole(seed_store):
    chosen = mix(seed_store)
    assert len(chosen) == 13 and all(rows > 0 for _, _, rows in chosen)  # every named query has rows to check
    with serve(seed_store.path, workers=2) as base:
        outcome, _ = load(base, chosen, clients=6, total=156, timeout=60)
    assert outcome.errors == [] and len(outcome.seconds) == 156  # each named query 12 times, each answer 200 with all its rows
