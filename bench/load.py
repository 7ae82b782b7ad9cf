"""Load the SPARQL endpoint: concurrent clients on loopback send a mix of the named queries.

Starts `policykg serve` on a free loopback port for a store built from data/documents, sends
``--queries`` queries from ``--clients`` threads (each with its own keep-alive connection), the
named queries in turn, and prints one row: errors, throughput, and p50/p95/p99 latency. Every
answer must be 200 with as many rows as the same query gives in process, or it counts as an error.

Run: .venv/bin/python bench/load.py [--clients 16] [--queries 2000] [--workers 2]
Writes bench/out/load.json.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from policykg import queries
from policykg.store import KnowledgeStore, bind_values

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
_TITLE = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?title (COUNT(?citation) AS ?n) WHERE { ?citation pkg:citedDocument ?document . ?document rdfs:label ?title }
GROUP BY ?title ORDER BY DESC(?n) ?title LIMIT 1"""


@contextmanager
def serve(store: Path, workers: int = 2, time_limit: float = 30.0, keep_answers: bool = True) -> Iterator[str]:
    """Run `policykg serve` for ``store`` on a free loopback port; yield its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tempfile.TemporaryFile()  # the server logs each request: a pipe nobody reads would fill and stop it
    process = subprocess.Popen([sys.executable, "-m", "policykg", "serve", "--store", str(store), "--port", str(port),
                                "--workers", str(workers), "--time-limit", str(time_limit)] + ([] if keep_answers else ["--no-keep-answers"]),
                               stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        else:
            log.seek(0)
            raise RuntimeError("the server did not start: " + log.read().decode(errors="replace"))
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def mix(store: KnowledgeStore) -> list[tuple[str, str, int]]:
    """Return (name, query text, rows expected) for each named query, parameters bound from the store."""
    title = next(iter(store.query(_TITLE)))["title"]
    chosen = []
    for named in queries.all_queries():
        text = bind_values(named.text, {"title": title}) if named.parameters else named.text
        chosen.append((named.name, text, sum(1 for _ in store.query(text))))
    return chosen


@dataclass
class Outcome:
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def load(base: str, chosen: list[tuple[str, str, int]], clients: int, total: int, timeout: float = 60.0) -> tuple[Outcome, float]:
    """Send ``total`` queries from ``clients`` threads; return what happened and the wall time."""
    outcome, lock = Outcome(), threading.Lock()

    def client(number: int) -> None:
        with httpx.Client(base_url=base, timeout=timeout, headers={"Accept": "application/sparql-results+json"}) as http:
            for index in range(number, total, clients):
                name, text, rows = chosen[index % len(chosen)]
                started = time.perf_counter()
                try:
                    response = http.post("/sparql", content=text.encode("utf-8"), headers={"Content-Type": "application/sparql-query"})
                    got = len(response.json()["results"]["bindings"]) if response.status_code == 200 else None
                except (httpx.HTTPError, ValueError, KeyError) as error:
                    got, response = None, error
                elapsed = time.perf_counter() - started
                with lock:
                    outcome.seconds.append(elapsed)
                    if got != rows:
                        outcome.errors.append(f"{name}: {getattr(response, 'status_code', response)} with {got} rows, not {rows}")

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        store = KnowledgeStore(Path(scratch) / "kg")
        subprocess.run([sys.executable, "-m", "policykg", "build", str(ROOT / "data" / "documents"), "--store", str(store.path)],
                       check=True, capture_output=True)
        chosen = mix(store)
        with serve(store.path, options.workers) as base:
            outcome, wall = load(base, chosen, options.clients, options.queries)
    ms = [seconds * 1000 for seconds in outcome.seconds]
    row = {"clients": options.clients, "queries": len(ms), "workers": options.workers, "errors": len(outcome.errors),
           "seconds": wall, "queries_per_s": len(ms) / wall, "p50_ms": statistics.median(ms),
           "p95_ms": percentile(ms, 0.95), "p99_ms": percentile(ms, 0.99), "max_ms": max(ms)}
    print(f"Endpoint under load: {len(chosen)} named queries in turn over data/documents, on loopback ({options.workers} query workers)")
    print(f"{'clients':>7} {'queries':>7} {'errors':>6} {'seconds':>7} {'queries/s':>9} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    print(f"{row['clients']:>7} {row['queries']:>7,} {row['errors']:>6} {row['seconds']:>7.1f} {row['queries_per_s']:>9.0f} "
          f"{row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f} {row['p99_ms']:>7.1f} {row['max_ms']:>7.1f}")
    for error in outcome.errors[:10]:
        print("  error:", error)
    OUT.mkdir(exist_ok=True)
    (OUT / "load.json").write_text(json.dumps(row, indent=1), encoding="utf-8")
    if outcome.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
