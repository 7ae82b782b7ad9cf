"""Answers of named queries kept with the store generation: read back exactly, never stale,
best effort when they cannot be kept; served by the endpoint and the pages, and kept ahead of
time by the server."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from werkzeug.test import Client

from policykg import answers, queries, results
from policykg.build import build
from policykg.server import App
from policykg.store import KnowledgeStore, bind_values

from support import CHENGDU, SEED

PARAMS = {"trace": {"title": "老年人权益保障条例"}}


@pytest.fixture()
def store(tmp_path) -> KnowledgeStore:
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED], store)
    return store


def _terms(solutions) -> tuple[list[str], list[list]]:
    return [variable.value for variable in solutions.variables], [list(row) for row in solutions]


def test_every_named_query_reads_back_exactly_what_it_evaluated(store):
    generation = store.generation()
    for named in queries.all_queries():
        bindings = {key: ox.Literal(value) for key, value in PARAMS.get(named.name, {}).items()}
        evaluated = _terms(store.query(named.text, bindings))
        assert evaluated[1], f"{named.name} gives no rows on the seed: the comparison would prove nothing"
        first, second = _terms(store.answer(named.text, bindings)), _terms(store.answer(named.text, bindings))
        assert first == evaluated and second == evaluated, named.name  # same terms: datatypes, languages, unbound cells
        assert answers.path(generation, bind_values(named.text, bindings) if bindings else named.text).is_file(), named.name


def test_the_kept_answer_is_what_is_read_until_a_build_makes_a_new_generation(store):
    named = queries.load("documents")
    before = results.run(store, named)
    kept = answers.path(store.generation(), named.text)
    assert kept.is_file()
    kept.write_text(kept.read_text(encoding="utf-8").replace("2025", "1999"), encoding="utf-8")  # doctored: prove it is read
    assert any("1999" in str(row["document"]) for row in results.run(store, named).rows)
    build([SEED, CHENGDU], store)
    after = results.run(store, named)
    assert len(after.rows) > len(before.rows) and not any("1999" in str(row["document"]) for row in after.rows)
    assert answers.path(store.generation(), named.text).is_file()


@pytest.mark.parametrize("damage", ["garbage", "bad row", "cut short", "empty"])
def test_an_unreadable_kept_answer_is_evaluated_again_and_replaced(store, damage):
    named = queries.load("regulations")
    expected = results.run(store, named)
    kept = answers.path(store.generation(), named.text)
    good = kept.read_bytes()
    kept.write_bytes({"garbage": b"\x00\x01 not a result\tfile\n\"broken", "bad row": good + b'"broken\t<x\n',
                      "cut short": good[: len(good) // 2].rstrip(b"\n"), "empty": b""}[damage])
    assert results.run(store, named) == expected
    assert kept.read_bytes() == good
    app = App(store.path, workers=1)  # the endpoint too: its worker answers, it does not die
    try:
        kept.write_bytes(good + b'"broken\t<x\n')
        response = Client(app).get("/sparql", query_string={"query": named.text, "format": "csv"})
        assert response.status_code == 200 and len(response.get_data(as_text=True).splitlines()) == len(expected.rows) + 1
    finally:
        app.close()


def test_a_generation_that_cannot_be_written_still_answers(store):
    named = queries.load("agencies")
    (store.generation() / answers.FOLDER).write_text("a file where the folder should be", encoding="utf-8")
    first, second = results.run(store, named), results.run(store, named)
    assert first == second and len(first.rows) > 5


def test_parameter_values_have_answers_of_their_own(store):
    named = queries.load("trace")
    charity = results.run(store, named, {"title": "老年人权益保障条例"})
    other = results.run(store, named, {"title": "殡葬管理条例"})
    assert charity.rows and other.rows and charity != other
    assert results.run(store, named, {"title": "老年人权益保障条例"}) == charity


def test_an_answer_too_large_to_keep_is_evaluated_each_time(store, monkeypatch):
    monkeypatch.setattr(answers, "MAX_BYTES", 10)
    named = queries.load("citations")
    assert results.run(store, named) == results.run(store, named)
    assert not answers.path(store.generation(), named.text).exists()


def test_a_query_that_calls_a_volatile_function_is_never_kept(store, tmp_path):
    file = tmp_path / "when.rq"
    file.write_text("SELECT ?when (STRUUID() AS ?id) WHERE { BIND(NOW() AS ?when) }", encoding="utf-8")
    named = queries.load(str(file))
    first, second = results.run(store, named), results.run(store, named)
    assert first.rows[0]["id"] != second.rows[0]["id"]
    assert not answers.path(store.generation(), named.text).exists()


def test_a_query_that_calls_a_remote_service_is_never_kept(store, tmp_path):
    file = tmp_path / "remote.rq"  # nothing listens on port 9 of loopback: SILENT makes it one empty row
    file.write_text("SELECT ?s WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", encoding="utf-8")
    named = queries.load(str(file))
    assert len(results.run(store, named).rows) == 1
    assert not answers.path(store.generation(), named.text).exists()


def test_kept_answers_are_as_readable_as_the_database(store):
    named = queries.load("programs")
    results.run(store, named)
    generation = store.generation()
    assert answers.path(generation, named.text).stat().st_mode & 0o777 == (generation / "CURRENT").stat().st_mode & 0o777


def test_the_endpoint_answers_a_named_query_from_its_kept_answer(store):
    app = App(store.path, workers=1)
    try:
        client = Client(app)
        named = queries.load("programs")
        response = client.get("/sparql", query_string={"query": named.text, "format": "csv"})
        assert response.status_code == 200
        kept = answers.path(store.generation(), named.text)
        assert kept.is_file()
        table = results.run(store, named)
        lines = response.get_data(as_text=True).splitlines()
        assert lines[0] == ",".join(table.columns) and len(lines) == len(table.rows) + 1
        kept.write_text(kept.read_text(encoding="utf-8").replace("\n", '\n"DOCTORED"\t\t\n', 1), encoding="utf-8")
        doctored = client.get("/sparql", query_string={"query": named.text, "format": "xml"}).get_data(as_text=True)
        assert doctored.count("<result>") == len(table.rows) + 1 and "DOCTORED" in doctored  # made from the answer read, not evaluated
        csv = client.get("/sparql", query_string={"query": named.text, "format": "csv"}).get_data(as_text=True)
        assert csv == response.get_data(as_text=True)  # the response made the first time, read: not made again from the doctored answer
        other = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"  # not a named query: evaluated, not kept
        assert client.get("/sparql", query_string={"query": other}).status_code == 200
        assert not answers.path(store.generation(), other).exists()
    finally:
        app.close()


def test_a_kept_answer_read_with_a_limit_gives_its_first_rows_and_counts_all(store):
    generation = store.generation()
    for named in queries.all_queries():
        bindings = {key: ox.Literal(value) for key, value in PARAMS.get(named.name, {}).items()}
        whole = store.answer(named.text, bindings)
        text = bind_values(named.text, bindings) if bindings else named.text
        for limit in (0, 1, 2, len(whole) - 1, len(whole), len(whole) + 5):
            first = answers.read(generation, text, max(limit, 0))
            assert first.total == len(whole), named.name
            assert _terms(first)[1] == _terms(whole)[1][: max(limit, 0)], (named.name, limit)
            assert _terms(first)[0] == _terms(whole)[0]


def test_the_endpoint_keeps_each_response_as_it_first_made_it_per_format_and_row_limit(store):
    import json

    from policykg.sparql import answer

    named = queries.load("citations")
    reader, generation = store.reader_of_generation()
    whole = _terms(store.query(named.text))[1]
    made = {}
    for format in ("json", "xml", "csv", "tsv"):
        for limit in (3, 10000):
            first = answer(reader, named.text, [], format, limit, generation=generation)
            again = answer(reader, named.text, [], format, limit, generation=generation)
            assert first == again and first.status == 200, (format, limit)
            assert first.truncated == (len(whole) > limit)
            made[format, limit] = first.body
    kept = sorted((generation / answers.FOLDER).glob("*.out"))
    assert len(kept) == 8  # one a format and row limit
    assert len(json.loads(made["json", 3])["results"]["bindings"]) == 3
    assert len(json.loads(made["json", 10000])["results"]["bindings"]) == len(whole)
    assert made["csv", 3].decode().splitlines() == made["csv", 10000].decode().splitlines()[:4]
    for path in kept:  # doctored: the response is read as it was kept, never made again
        path.write_bytes(path.read_bytes().replace(b"\nW\n", b"\nW\nDOCTORED").replace(b"\nT\n", b"\nT\nDOCTORED"))
    assert answer(reader, named.text, [], "csv", 3, generation=generation).body.startswith(b"DOCTORED")
    for path in kept:  # a file that is not a kept response is removed and the response made again
        path.write_bytes(b"not a response")
    assert answer(reader, named.text, [], "csv", 3, generation=generation).body == made["csv", 3]
    build([SEED, CHENGDU], store)  # a new generation: its own responses, made from its own answers
    reader, generation = store.reader_of_generation()
    grown = answer(reader, named.text, [], "json", 10000, generation=generation)
    assert len(json.loads(grown.body)["results"]["bindings"]) == len(list(store.query(named.text))) > len(whole)


def test_a_named_query_with_its_values_bound_is_kept_apart_as_asked_and_any_other_text_is_not(store):
    from policykg.sparql import answer

    reader, generation = store.reader_of_generation()
    trace = queries.load("trace").text
    bound = bind_values(trace, {"title": ox.Literal('老年人权益保障条例')})
    first = answer(reader, bound, [], "json", 10000, generation=generation)
    assert first.status == 200 and first.body.count(b'"regulation"') > 1
    asked = generation / answers.FOLDER / answers.ASKED
    assert answers.path(generation, bound, asked=True).is_file() and len(list(asked.glob("*.out"))) == 1
    assert answer(reader, bound, [], "json", 10000, generation=generation) == first
    other = bind_values(trace, {"title": ox.Literal('"} UNION { ?s ?p ?o }')})  # a value that looks like SPARQL is a value
    assert answer(reader, other, [], "json", 10000, generation=generation).status == 200
    assert answers.path(generation, other, asked=True).is_file()
    for changed in (bound + " LIMIT 1", bound.replace("?relation ?sentence", "?sentence", 1), "# a comment\n" + bound):
        assert answer(reader, changed, [], "json", 10000, generation=generation).status == 200
        assert not answers.path(generation, changed).exists() and not answers.path(generation, changed, asked=True).exists(), changed
    assert not list((generation / answers.FOLDER).glob("*.*"))  # nothing of the clients' values kept beside the named queries'


def test_a_read_with_a_limit_parses_what_a_whole_read_parses_whatever_the_rows_hold():
    escaped = ox.Literal("line one\nline two\r\ttab \"quoted\" \\ back\u2028sep", language="zh")  # one TSV line, escaped
    cases = {
        "escaped breaks": ["?a\t?b", f"{escaped}\t<http://x/1>", '"2"\t', "\t<http://x/3>"],
        "one variable, unbound cells": ["?x", "", '"1"', "", ""],
        "no variables": ["", ""],
        "no rows": ["?a\t?b"],
    }
    for name, lines in cases.items():
        data = ("\n".join(lines) + "\n").encode("utf-8")
        whole = answers._parse(data)
        assert whole.total == len(lines) - 1 == len(whole), name
        for limit in range(len(lines) + 1):
            first = answers._parse(data, limit)
            assert first.total == whole.total and [list(row) for row in first] == [list(row) for row in whole][:limit], (name, limit)
    first_row = next(iter(answers._parse(("\n".join(cases["escaped breaks"]) + "\n").encode("utf-8"), 1)))
    assert first_row["a"] == escaped


def test_the_endpoint_negotiates_before_it_reads_a_kept_response(store):
    app = App(store.path, workers=1)
    try:
        client = Client(app)
        named = queries.load("programs")
        for accept, kind in [("application/sparql-results+xml", "application/sparql-results+xml"), ("application/sparql-results+json", "application/sparql-results+json"),
                             ("text/csv", "text/csv"), ("*/*", "application/sparql-results+json"), ("application/sparql-results+xml", "application/sparql-results+xml")]:
            response = client.get("/sparql", query_string={"query": named.text}, headers={"Accept": accept})
            assert response.status_code == 200 and response.mimetype == kind, accept
            body = response.get_data(as_text=True)
            assert body.lstrip().startswith({"application/sparql-results+xml": "<?xml", "application/sparql-results+json": "{", "text/csv": "program"}[kind]), accept
        assert len(list((store.generation() / answers.FOLDER).glob("*.out"))) == 3  # xml, json, csv: */* is json's
    finally:
        app.close()


def test_a_response_kept_by_other_code_is_not_sent(store, monkeypatch):
    from policykg import sparql

    reader, generation = store.reader_of_generation()
    named = queries.load("programs")
    made = sparql.answer(reader, named.text, [], "csv", 100, generation=generation)
    for kept in (generation / answers.FOLDER).glob("*.out"):
        kept.write_bytes(kept.read_bytes().replace(b"\nW\n", b"\nW\nDOCTORED"))
    assert sparql.answer(reader, named.text, [], "csv", 100, generation=generation).body.startswith(b"DOCTORED")
    monkeypatch.setattr(sparql, "_SERIALIZER", "another version")  # the code that reads and writes responses changed
    assert sparql.answer(reader, named.text, [], "csv", 100, generation=generation).body == made.body


def test_a_response_is_not_kept_when_its_answer_may_not_be(store):
    from policykg.sparql import answer

    reader, generation = store.reader_of_generation()
    volatile = bind_values(queries.load("trace").text, {"title": ox.Literal("NOW(")})
    assert answer(reader, volatile, [], "json", 10000, generation=generation).status == 200
    assert not list(generation.rglob("*.out")) and not list(generation.rglob("*.tsv"))


def test_a_folder_keeps_no_more_than_its_bytes(store, monkeypatch):
    from policykg.sparql import answer

    reader, generation = store.reader_of_generation()
    named = queries.load("citations")
    answer(reader, named.text, [], "json", 10000, generation=generation)
    held = sum(path.stat().st_size for path in (generation / answers.FOLDER).glob("*.*"))
    monkeypatch.setattr(answers, "MAX_FOLDER_BYTES", held + 10)
    answer(reader, named.text, [], "xml", 10000, generation=generation)  # answered, but its response would pass the cap
    assert not answers.path(generation, named.text, form="xml").exists()
    assert {path.suffix for path in (generation / answers.FOLDER).glob("*.*")} == {".tsv", ".out"}
    assert len(list((generation / answers.FOLDER).glob("*.out"))) == 1


def test_keeping_answers_ahead_says_which_named_query_failed(store, monkeypatch):
    from policykg import server
    from policykg.sparql import Answer

    monkeypatch.setattr(server, "answer", lambda *args, **kwargs: Answer(400, "text/plain", b"the query cannot be run: boom\n"))
    with pytest.raises(queries.QueryError, match=r"^\w[\w-]*: the query cannot be run: boom$"):
        server.keep_answers(store)


def _kept(generation) -> set[str]:
    """The answers the server keeps ahead of time: the named queries, what / and /graph ask."""
    from policykg.server import HOME_NODES
    from policykg.stats import _CLASSES

    texts = [named.text for named in queries.all_queries() if not named.parameters] + [HOME_NODES, _CLASSES]
    return {answers.path(generation, text).name for text in texts}


def _wait_for(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_the_server_keeps_answers_of_each_new_generation_before_anyone_asks(store):
    app = App(store.path, workers=1)
    try:
        app.keep_answers(every=0.2)
        first = store.generation()
        assert _wait_for(lambda: _kept(first) <= {path.name for path in (first / answers.FOLDER).glob("*.tsv")})
        assert _wait_for(lambda: app.kept == first)
        from policykg.sparql import response_form

        for named in queries.all_queries():  # and the response the endpoint sends by default, within the server's row limit
            assert named.parameters or answers.path(first, named.text, form=response_form("json", app.row_limit)).is_file(), named.name
        from policykg.viz.network import overview

        before = set((first / answers.FOLDER).glob("*.tsv"))
        overview(store)  # /graph's view: everything it asks was kept by the keeper
        assert set((first / answers.FOLDER).glob("*.tsv")) == before
        build([SEED, CHENGDU], store)
        second = store.generation()
        assert second != first
        assert _wait_for(lambda: _kept(second) <= {path.name for path in (second / answers.FOLDER).glob("*.tsv")})
        page = Client(app).get("/queries/documents").get_data(as_text=True)
        assert "成都" in page  # the new generation's answer, not the old one's
    finally:
        app.close()
    assert not app._keeper.is_alive()
    assert not any(process.is_alive() for process, _, _ in app.pool._all)


def test_closing_the_server_mid_query_stops_the_keeper_quietly(store, monkeypatch):
    import threading

    failures = []
    monkeypatch.setattr(threading, "excepthook", lambda hook: failures.append(hook.exc_value))
    app = App(store.path, workers=1)
    app.keep_answers(every=0.1)
    time.sleep(0.3)  # let it start a query, then close under it
    app.close()
    assert not app._keeper.is_alive() and failures == []
    assert not any(process.is_alive() for process, _, _ in app.pool._all)


def test_a_long_answer_shows_its_first_rows_and_downloads_whole(store, monkeypatch):
    import policykg.server as server

    monkeypatch.setattr(server, "PAGE_ROWS", 7)
    app = App(store.path, workers=1)
    try:
        client = Client(app)
        table = results.run(store, queries.load("citations"))
        page = client.get("/queries/citations").get_data(as_text=True)
        assert f"the first 7 of {len(table.rows):,} rows" in page and page.count("<tr>") == 8  # header and 7 rows
        download = client.get("/queries/citations", query_string={"format": "csv"})
        assert download.mimetype == "text/csv" and 'filename="citations.csv"' in download.headers["Content-Disposition"]
        assert download.get_data(as_text=True) == results.render(table, "csv") + "\n"
        unknown = client.get("/queries/citations", query_string={"format": "xlsx"})
        assert unknown.status_code == 400 and unknown.mimetype == "text/plain" and "csv, tsv, json" in unknown.get_data(as_text=True)
        missing = client.get("/queries/trace", query_string={"format": "csv"})  # no answer to download: say why, as text
        assert missing.status_code == 400 and missing.get_data(as_text=True) == "trace: missing parameter title; give it as ?title=…\n"
    finally:
        app.close()


def test_answers_go_with_their_generation(store):
    named = queries.load("documents")
    results.run(store, named)
    kept = answers.path(store.generation(), named.text)
    assert kept.is_file()
    build([SEED, CHENGDU], store)
    assert not kept.exists() and not kept.parent.parent.exists()


def test_threads_asking_while_builds_switch_generations_keep_each_answer_with_its_own(store):
    """Each thread's answer is kept in the generation it was evaluated on, whatever the other
    threads of the process opened meanwhile (a threaded server's pages share one store object)."""
    import threading

    texts, stop, errors = {}, threading.Event(), []
    count = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } # "

    def ask(worker: int) -> None:
        for number in range(100_000):
            if stop.is_set():
                return
            text = f"{count}{worker}-{number}"
            texts[answers.path(Path("."), text).name] = text
            try:
                store.answer(text)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

    threads = [threading.Thread(target=ask, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    try:
        for turn in range(6):  # Chengdu in, out, in …, by another process as in use: each a new generation
            command = ["build", str(SEED), str(CHENGDU)] if turn % 2 == 0 else ["remove", str(CHENGDU)]
            subprocess.run([sys.executable, "-m", "policykg", *command, "--store", str(store.path)], check=True, capture_output=True)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert errors == []
    checked = 0
    for generation in store.path.glob("gen-*"):
        database = ox.Store.read_only(str(generation))
        for kept in (generation / answers.FOLDER).glob("*.tsv"):
            evaluated = list(database.query(texts[kept.name], use_default_graph_as_union=True))
            assert [list(row) for row in answers.read(generation, texts[kept.name])] == [list(row) for row in evaluated], generation.name
            checked += 1
    assert checked > 50


def test_trace_the_views_and_the_counts_keep_their_answers_too(store):
    import networkx as nx

    from policykg.stats import statistics
    from policykg.trace import trace_regulation
    from policykg.viz.views import overview

    folder = store.generation() / answers.FOLDER
    counts = []
    for ask in (lambda: overview(store), lambda: trace_regulation(store, "老年人权益保障条例"), lambda: statistics(store)):
        ask()
        counts.append(len(list(folder.glob("*.tsv"))))
    assert counts[0] >= 3 and counts[1] > counts[0] and counts[2] == counts[1] + 2  # each keeps its own answers
    first = (trace_regulation(store, "老年人权益保障条例").tables, overview(store), statistics(store))
    kept = sorted(folder.glob("*.tsv"))
    again = (trace_regulation(store, "老年人权益保障条例").tables, overview(store), statistics(store))
    assert again[0] == first[0] and again[2] == first[2]
    assert nx.utils.graphs_equal(again[1], first[1]) and first[1].number_of_edges() > 0
    assert sorted(folder.glob("*.tsv")) == kept  # read back, nothing new evaluated


def test_answers_kept_for_requests_have_their_own_cap_and_cannot_crowd_out_the_keepers(store, monkeypatch):
    monkeypatch.setattr(answers, "MAX_FILES", 2)
    trace = queries.load("trace")
    generation = store.generation()
    app = App(store.path, workers=1)  # no keeper: only the requests keep answers
    try:
        client = Client(app)
        for title in ("老年人权益保障条例", "慈善法", "社会救助暂行办法", "民法典"):  # remote users' values
            assert client.get("/queries/trace", query_string={"title": title, "format": "csv"}).status_code == 200
        asked = generation / answers.FOLDER / answers.ASKED
        assert len(list(asked.glob("*.tsv"))) == 2  # the cap of requests' answers, reached
        assert not list((generation / answers.FOLDER).glob("*.tsv"))  # nothing of theirs among the keeper's
        kept = answers.path(generation, bind_values(trace.text, {"title": ox.Literal("老年人权益保障条例")}), asked=True)
        assert kept.is_file()
    finally:
        app.close()
    programs = queries.load("programs")
    results.run(store, programs)  # the keeper's (or the CLI's) answers are kept all the same
    main = answers.path(generation, programs.text)
    assert main.is_file()
    main.write_text(main.read_text(encoding="utf-8").replace("\n", '\n"DOCTORED"\t\t\n', 1), encoding="utf-8")
    with answers.asked():  # and a request reads them rather than evaluating again
        assert results.run(store, programs).rows[0]["program"] == "DOCTORED"


def test_build_with_keep_answers_keeps_what_the_queries_and_pages_ask_before_anyone_asks(tmp_path):
    import re

    from click.testing import CliRunner

    from policykg.cli import main

    plain, kept = tmp_path / "plain", tmp_path / "kept"
    assert CliRunner().invoke(main, ["build", str(SEED), "--store", str(plain)]).exit_code == 0
    generation = KnowledgeStore(plain).generation()
    assert not _kept(generation) & {path.name for path in (generation / answers.FOLDER).glob("*.tsv")}  # without it: none yet
    result = CliRunner().invoke(main, ["build", str(SEED), "--store", str(kept), "--keep-answers"])
    assert result.exit_code == 0, result.output
    named = [query for query in queries.all_queries() if not query.parameters]
    assert re.fullmatch(rf"kept the answers of {len(named)} named queries and of the home and network pages in \d+\.\d\d s", result.output.splitlines()[-1])
    store = KnowledgeStore(kept)
    generation = store.generation()
    assert _kept(generation) <= {path.name for path in (generation / answers.FOLDER).glob("*.tsv")}
    reader = store.reader()
    from policykg.sparql import ROW_LIMIT, answer, response_form

    for query in named:  # what is read back is what evaluation gives
        assert _terms(answers.read(generation, query.text)) == _terms(reader.query(query.text, use_default_graph_as_union=True))
        kept = answers.path(generation, query.text, form=response_form("json", ROW_LIMIT))  # and what the endpoint sends, made
        assert kept.is_file(), query.name
        assert kept.read_bytes().endswith(answer(reader, query.text, [], "json", ROW_LIMIT).body)  # (made again, without a generation)


def test_build_with_keep_answers_lists_failures_first_and_says_when_it_could_not_keep(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from policykg.cli import main

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["build", str(empty), "--store", str(tmp_path / "none"), "--keep-answers"])
    assert result.exit_code == 1  # nothing built, nothing to keep: the failure is what it says
    assert result.output.splitlines()[1:] == ["failed 1 file(s), not built (what the store held from them is unchanged):", f"  {empty}: the file is empty"]
    monkeypatch.setattr(answers, "MAX_BYTES", 0)  # every answer over the size limit: none can be kept
    result = CliRunner().invoke(main, ["build", str(SEED), str(empty), "--store", str(tmp_path / "kg"), "--keep-answers"])
    named = [query for query in queries.all_queries() if not query.parameters]
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1:3] == ["failed 1 file(s), not built (what the store held from them is unchanged):", f"  {empty}: the file is empty"]
    assert lines[3].startswith(f"warning: kept the answers of 0 of {len(named)} named queries in ") and len(lines) == 4
