"""Build a synthetic corpus at several sizes and measure it (`make bench`).

For each size: documents, MB of text, quads, build seconds, documents/s, MB/s, peak RSS, store
size on disk, the rebuild time of the unchanged corpus, after one document changed and after every
document's extractor version changed (as after an upgrade), and pyoxigraph's bulk load of the same
quads alone (the floor the build is compared with), with and without merging its files. At 1,000 documents: each named query's median
and p95 latency on the store, evaluated and read back from the answer kept with the generation
(and how long keeping every answer takes, as build --keep-answers does), the time to build
each view of the network page, `policykg validate` of the store, each named query asked over HTTP of `policykg serve` on loopback (the
SPARQL endpoint and the query's page, answers kept),
and on the same quads in an rdflib in-memory Dataset, with the ratio; and how much of what the
generator planted the extraction finds.

Run: .venv/bin/python bench/scale.py [--sizes 100,1000] [--full] [--jobs 2] [--rdflib-limit 10]
(--full adds 10,000 documents). Prints tables and writes bench/out/scale.json (or --out).
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from functools import partial
from pathlib import Path

import httpx
import pyoxigraph as ox
import rdflib

from policykg import queries
from policykg.server import keep_answers
from policykg.store import KnowledgeStore, bind_values
from policykg.validate import check_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import Truth, generate  # noqa: E402
from load import serve  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
QUERY_SIZE = 1000
QUERY_RUNS, RDFLIB_RUNS, RDFLIB_LIMIT = 20, 1, 10
PARAMS = {"trace": {"title": "中华人民共和国慈善法"}}

# Peak RSS of a child script: its own, plus each extraction worker at the largest worker's peak (an
# upper bound). Its own is the kernel's high-water mark of its memory (VmHWM), because getrusage's
# ru_maxrss carries over through exec the size of the process that started it: this benchmark,
# which holds an rdflib copy of the graph by the time it measures a one-document change.
PEAK = """
import resource
def peak_mb(jobs):
    try:
        own = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (own + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * jobs) / 1024
"""
# Run in a child so that peak RSS is the build's own (parent and extraction workers).
BUILD = PEAK + """
import json, sys, time
from policykg.build import build
from policykg.store import KnowledgeStore
store = KnowledgeStore(sys.argv[1])
started = time.perf_counter(); report = build([sys.argv[2]], store, jobs=int(sys.argv[3])); first = time.perf_counter() - started
started = time.perf_counter(); again = build([sys.argv[2]], store, jobs=int(sys.argv[3])); rebuild = time.perf_counter() - started
print(json.dumps({"quads": report.quads, "build_s": first, "merge_s": report.merge_seconds, "rebuild_s": rebuild, "rebuilt": len(again.documents),
                  "rss_mb": peak_mb(int(sys.argv[3]))}))
"""


def _size_mb(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 2**20


def _bulk_load(nquads: Path, folder: Path) -> tuple[float, float]:
    """Seconds to bulk-load ``nquads`` into a new store, then to merge the files that load wrote
    (as a build merges its own: a store just bulk-loaded still answers 10–25 % slower before it)."""
    started = time.perf_counter()
    store = ox.Store(str(folder))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    store.optimize()
    merge = time.perf_counter() - started
    del store
    return seconds, merge


def _timings(run, count: int, budget_ms: float = 5000) -> tuple[float, float]:
    """Median and p95 over ``count`` runs, or fewer (at least 3) once ``budget_ms`` is spent."""
    times = []
    while len(times) < count and (len(times) < 3 or sum(times) < budget_ms):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def _rdflib_once(dataset, text: str, answer) -> None:
    try:
        started = time.perf_counter()
        rows = len(list(dataset.query(text)))
        answer.send(((time.perf_counter() - started) * 1000, rows))
    except Exception as error:  # rdflib cannot run every query; report which
        answer.send(f"rdflib fails: {type(error).__name__}")


def _rdflib_time(dataset, text: str, rows: int) -> tuple[float | None, str | None]:
    """Median of RDFLIB_RUNS runs, each in a forked child stopped after RDFLIB_LIMIT seconds; a
    failure when rdflib answers with another number of rows than Oxigraph's ``rows``."""
    times = []
    for _ in range(RDFLIB_RUNS):
        receive, send = multiprocessing.Pipe(duplex=False)
        child = multiprocessing.get_context("fork").Process(target=_rdflib_once, args=(dataset, text, send))
        child.start()
        if not receive.poll(RDFLIB_LIMIT):
            child.kill()
            child.join()
            return None, f"rdflib > {RDFLIB_LIMIT} s"
        outcome = receive.recv()
        child.join()
        if isinstance(outcome, str):
            return None, outcome
        if outcome[1] != rows:
            return None, f"rdflib answers {outcome[1]:,} rows, not {rows:,}"
        times.append(outcome[0])
    return statistics.median(times), None


def _query_rows(store: KnowledgeStore, nquads: bytes) -> list[dict]:
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=nquads, format="nquads")
    gc.freeze()  # rdflib's millions of objects: a full collection would otherwise walk them during a timed run
    rows = []
    for name in queries.names():
        query = queries.load(name)
        text = bind_values(query.text, {key: ox.Literal(value) for key, value in PARAMS.get(name, {}).items()})
        answers = len(list(store.query(text)))
        oxigraph = _timings(lambda: list(store.query(text)), QUERY_RUNS)
        list(store.answer(text))  # evaluated once more and kept with the generation, then read back:
        kept = _timings(lambda: list(store.answer(text)), QUERY_RUNS)
        rdflib_ms, failure = _rdflib_time(dataset, text, answers)  # the same text, its parameters bound
        if failure and failure.startswith("rdflib >"):  # stopped: the ratio is at least the cap over oxigraph's time
            ratio = f"≥ {RDFLIB_LIMIT * 1000 / oxigraph[0]:.0f} ({failure})"
        else:
            ratio = failure or f"{rdflib_ms / max(oxigraph[0], 1e-6):.0f}"
        rows.append({"query": name, "rows": answers, "median_ms": oxigraph[0], "p95_ms": oxigraph[1],
                     "kept_median_ms": kept[0], "kept_p95_ms": kept[1],
                     "rdflib_median_ms": rdflib_ms, "ratio": ratio})
        print(f"  {name}: {oxigraph[0]:.1f} ms; rdflib {ratio}", file=sys.stderr)
    return rows


def _served_rows(store: KnowledgeStore) -> list[dict]:
    """Each named query as an analyst's tool asks it of `policykg serve` on loopback, its answer
    kept (as after build --keep-answers, or once the server's keeper has run): the SPARQL endpoint
    (the query's text, its parameters bound, as SPARQL JSON) and the query's page, end to end."""
    rows = []
    with serve(store.path, keep_answers=False) as base, httpx.Client(base_url=base, timeout=60) as client:
        for name in queries.names():
            query = queries.load(name)
            values = PARAMS.get(name, {})
            text = bind_values(query.text, {key: ox.Literal(value) for key, value in values.items()})
            ask = partial(client.get, "/sparql", params={"query": text}, headers={"Accept": "application/sparql-results+json"})
            page = partial(client.get, f"/queries/{name}", params=values)
            ask().raise_for_status(), page().raise_for_status()  # the first ask of a text with values bound evaluates it
            endpoint, shown = _timings(ask, QUERY_RUNS), _timings(page, QUERY_RUNS)
            rows.append({"query": name, "endpoint_median_ms": endpoint[0], "endpoint_p95_ms": endpoint[1],
                         "page_median_ms": shown[0], "page_p95_ms": shown[1]})
    return rows


def _view_rows(store: KnowledgeStore) -> list[dict]:
    """The network page's views, each model built from the store with its queries evaluated
    (not read back from kept answers): median seconds of 3 runs."""
    from policykg import results
    from policykg.viz import views

    keeping = views.run
    views.run = lambda store, query: results.run(store, query)  # evaluated each time, nothing kept
    try:
        rows = []
        for name in ("overview", "citations", "agencies", "programs", "indicators"):
            model = views.view(store, name)
            median, _ = _timings(lambda: views.view(store, name), 3, budget_ms=0)
            rows.append({"view": name, "nodes": model.number_of_nodes(), "edges": model.number_of_edges(), "seconds": median / 1000})
            print(f"  view {name}: {median / 1000:.1f} s", file=sys.stderr)
        return rows
    finally:
        views.run = keeping


def _score(planted: Counter, found: Counter) -> dict:
    hit = sum((planted & found).values())
    return {"planted": sum(planted.values()), "found": sum(found.values()),
            "precision": hit / max(sum(found.values()), 1), "recall": hit / max(sum(planted.values()), 1)}


def _truth_rows(store: KnowledgeStore, truth: Truth) -> list[dict]:
    """Compare what the store holds with what the generator planted, counted over the corpus."""
    def select(name: str) -> list[dict]:
        result = store.query(queries.load(name).text)
        names = [variable.value for variable in result.variables]
        return [{key: (term.value if term is not None else "") for key, term in zip(names, row)} for row in result]

    attachment = re.compile(r"(工作要点|工作总结)$")  # the notice's own transmitted parts are not planted citations
    citations = [row for row in select("citations") if row["work_item"] and not attachment.search(row["regulation"])]
    relations = Counter((row["regulation"], row["relation"]) for row in citations)
    programs = Counter({row["program"]: 1 for row in select("programs")})
    indicators = Counter((row["kind"], row["measure"], row["value"], row["unit"]) for row in select("indicators"))
    return [{"what": "citations (title)", **_score(truth.citations, Counter(row["regulation"] for row in citations))},
            {"what": "citations (title, relation)", **_score(truth.relations, relations)},
            {"what": "programs (distinct)", **_score(Counter(dict.fromkeys(truth.programs, 1)), programs)},
            {"what": "indicators (kind, measure, value, unit)", **_score(truth.indicators, indicators)}]


def _table(rows: list[dict], columns: list[tuple[str, str, str]]) -> str:
    cells = [[format(row[key], spec) if spec and row[key] is not None else str(row[key] if row[key] is not None else "–")
              for _, key, spec in columns] for row in rows]
    widths = [max(len(title), *(len(line[index]) for line in cells)) for index, (title, _, _) in enumerate(columns)]
    lines = ["  ".join(title.rjust(width) for (title, _, _), width in zip(columns, widths))]
    lines += ["  ".join(cell.rjust(width) for cell, width in zip(line, widths)) for line in cells]
    return "\n".join(lines)

# Then, once the queries are measured on the store as built: one document changed, and rebuilt.
CHANGE = PEAK + """
import json, sys, time
from pathlib import Path
from policykg.build import build
from policykg.store import KnowledgeStore
files = sorted(Path(sys.argv[2]).glob("*.txt")); edited = files[len(files) // 2]
edited.write_text(edited.read_text(encoding="utf-8") + "\\n（本文有修订）\\n", encoding="utf-8")
started = time.perf_counter(); report = build([sys.argv[2]], KnowledgeStore(sys.argv[1]), jobs=int(sys.argv[3]))
changed, rss = time.perf_counter() - started, peak_mb(int(sys.argv[3]))
# Then as after an upgrade of policykg: the extractor's version differs, so every document is extracted again.
from policykg.graph_builder import triples
triples._rules_digest = lambda: "the rules of another version of policykg"
triples._extractor_version.cache_clear()
started = time.perf_counter(); again = build([sys.argv[2]], KnowledgeStore(sys.argv[1]), jobs=int(sys.argv[3]))
print(json.dumps({"changed_s": changed, "rebuilt": report.documents, "rss_mb": rss,
                  "upgraded_s": time.perf_counter() - started, "upgraded": len(again.documents)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--full", action="store_true", help="also 10,000 documents")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--query-at", type=int, default=QUERY_SIZE, help="size at which queries and ground truth are measured")
    parser.add_argument("--rdflib-limit", type=float, default=RDFLIB_LIMIT,
                        help="seconds each rdflib run may take before it is stopped (the ratio is then a lower bound)")
    parser.add_argument("--out", default="scale.json", help="file in bench/out/ to write the results to")
    options = parser.parse_args()
    globals()["RDFLIB_LIMIT"] = options.rdflib_limit  # read by _rdflib_time in this process and its forked children
    sizes = [int(size) for size in options.sizes.split(",")] + ([10000] if options.full else [])
    OUT.mkdir(exist_ok=True)
    builds, query_rows, truth_rows, view_rows = [], [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        for size in sizes:
            documents, store_path = scratch / f"corpus-{size}", scratch / f"kg-{size}"
            truth = generate(documents, size)
            print(f"{size} documents: building", file=sys.stderr)
            child = subprocess.run([sys.executable, "-c", BUILD, str(store_path), str(documents), str(options.jobs)],
                                   check=True, capture_output=True, text=True)
            measured = json.loads(child.stdout.strip().splitlines()[-1])
            store = KnowledgeStore(store_path)
            dumped = scratch / f"kg-{size}.nq"
            with open(dumped, "wb") as output:
                store.dump(output, ox.RdfFormat.N_QUADS)
            bulk, bulk_merge = _bulk_load(dumped, scratch / f"bulk-{size}")
            shutil.rmtree(scratch / f"bulk-{size}")
            mb = truth.bytes / 2**20
            builds.append({"documents": size, "mb": mb, "quads": measured["quads"], "build_s": measured["build_s"],
                           "docs_per_s": size / measured["build_s"], "mb_per_s": mb / measured["build_s"],
                           "rss_mb": measured["rss_mb"], "store_mb": _size_mb(store.generation()),
                           "rebuild_s": measured["rebuild_s"], "bulk_s": bulk, "merge_s": measured["merge_s"],
                           "build_vs_bulk": bulk / measured["build_s"],
                           "unmerged_vs_bulk": bulk / (measured["build_s"] - measured["merge_s"]),
                           "bulk_merge_s": bulk_merge, "merged_vs_merged": (bulk + bulk_merge) / measured["build_s"] if measured["merge_s"] else None})
            builds[-1]["keep_s"] = builds[-1]["validate_s"] = None
            if size == options.query_at:
                view_rows = _view_rows(store)
                started = time.perf_counter()  # policykg validate: every document graph against the shapes
                conforms, violations = check_store(store, jobs=options.jobs)
                assert conforms, violations.rows[:5]
                builds[-1]["validate_s"] = time.perf_counter() - started
                started = time.perf_counter()  # what build --keep-answers adds: every answer kept before anyone asks
                keep_answers(store)
                builds[-1]["keep_s"] = time.perf_counter() - started
                query_rows = _query_rows(store, dumped.read_bytes())
                store.release(keep_last=False)
                served = {row["query"]: row for row in _served_rows(store)}
                for row in query_rows:
                    row.update(served[row["query"]])
                truth_rows = _truth_rows(store, truth)
            store.release(keep_last=False)
            child = subprocess.run([sys.executable, "-c", CHANGE, str(store_path), str(documents), str(options.jobs)],
                                   check=True, capture_output=True, text=True)
            changed = json.loads(child.stdout.strip().splitlines()[-1])
            assert len(changed["rebuilt"]) == 1, changed
            assert changed["upgraded"] == size, changed
            builds[-1]["changed_s"], builds[-1]["changed_rss_mb"], builds[-1]["upgraded_s"] = changed["changed_s"], changed["rss_mb"], changed["upgraded_s"]
            shutil.rmtree(documents)
            dumped.unlink()
    print(f"Build (--jobs {options.jobs}); build_vs_bulk = bulk-load time / build time (target ≥ 0.5); merge s: of the build, "
          "merging the loads' sorted files (build --no-optimize skips it); unmerged_vs_bulk: the same ratio without it; "
          "bulk merge s: merging the bulk load's files; merged_vs_merged: (bulk load + its merge) / build, both stores merged")
    print(_table(builds, [("docs", "documents", ""), ("MB", "mb", ".1f"), ("quads", "quads", ","), ("build s", "build_s", ".1f"),
                          ("docs/s", "docs_per_s", ".0f"), ("MB/s", "mb_per_s", ".2f"), ("peak RSS MB", "rss_mb", ".0f"),
                          ("store MB", "store_mb", ".0f"), ("rebuild s", "rebuild_s", ".2f"), ("one changed s", "changed_s", ".2f"), ("its peak RSS MB", "changed_rss_mb", ".0f"), ("all again s", "upgraded_s", ".1f"), ("keep answers s", "keep_s", ".1f"), ("validate s", "validate_s", ".1f"), ("bulk load s", "bulk_s", ".2f"),
                          ("build_vs_bulk", "build_vs_bulk", ".2f"), ("merge s", "merge_s", ".1f"), ("unmerged_vs_bulk", "unmerged_vs_bulk", ".2f"),
                          ("bulk merge s", "bulk_merge_s", ".1f"), ("merged_vs_merged", "merged_vs_merged", ".2f")]))
    if query_rows:
        print(f"\nNamed queries at {options.query_at} documents (ms; evaluated by oxigraph up to {QUERY_RUNS} runs, at least 3; "
              f"kept: the answer kept with the generation, read back; endpoint and page: asked over HTTP of policykg serve on loopback, "
              f"as SPARQL JSON and as the query's page, the answers kept; rdflib {RDFLIB_RUNS})")
        print(_table(query_rows, [("query", "query", ""), ("rows", "rows", ","), ("median", "median_ms", ".1f"), ("p95", "p95_ms", ".1f"),
                                  ("kept median", "kept_median_ms", ".1f"), ("kept p95", "kept_p95_ms", ".1f"),
                                  ("endpoint median", "endpoint_median_ms", ".1f"), ("endpoint p95", "endpoint_p95_ms", ".1f"),
                                  ("page median", "page_median_ms", ".1f"), ("page p95", "page_p95_ms", ".1f"),
                                  ("rdflib median", "rdflib_median_ms", ".0f"), ("ratio", "ratio", "")]))
        print(f"\nNetwork page views at {options.query_at} documents (their queries evaluated, median of 3 runs)")
        print(_table(view_rows, [("view", "view", ""), ("nodes", "nodes", ","), ("edges", "edges", ","), ("s", "seconds", ".1f")]))
        print(f"\nPlanted vs extracted at {options.query_at} documents")
        print(_table(truth_rows, [("what", "what", ""), ("planted", "planted", ","), ("found", "found", ","),
                                  ("precision", "precision", ".3f"), ("recall", "recall", ".3f")]))
    (OUT / options.out).write_text(json.dumps({"jobs": options.jobs, "builds": builds, "queries": query_rows, "views": view_rows, "truth": truth_rows},
                                               ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
