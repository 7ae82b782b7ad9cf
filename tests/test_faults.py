"""Faults around the store: readers during builds, and stores that are locked, read-only or foreign."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from policykg.build import build
from policykg.sparql import QueryPool
from policykg.store import KnowledgeStore, StoreError

from support import CHENGDU, SEED

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import generate  # noqa: E402

# each document graph with the hash of its source and its size: a half-written build would show a
# document's new hash with its old size, or some documents new and others old
STATE = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
SELECT ?g ?hash ?n WHERE {
  { SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g }
  GRAPH ?g { ?document pkg:sourceHash ?hash }
} ORDER BY ?g"""

READ_LATER = """
import sys
from policykg.store import KnowledgeStore, StoreError
store = KnowledgeStore(sys.argv[1]).reader()
print("open", flush=True)
sys.stdin.readline()
print(sum(1 for _ in store.quads_for_pattern(None, None, None, None)), flush=True)
"""


def state(store: KnowledgeStore) -> tuple:
    return tuple((row["g"].value, row["hash"].value, int(row["n"].value)) for row in store.query(STATE))


def generations(store: KnowledgeStore) -> list[str]:
    return sorted(entry.name for entry in store.path.iterdir() if entry.name.startswith("gen-"))


def cli(*args, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policykg", *map(str, args)], capture_output=True, text=True, check=False, **options)


def test_a_generation_being_read_outlives_the_builds_that_replace_it(tmp_path):
    notice = tmp_path / "notice.txt"
    shutil.copy(SEED, notice)
    store = KnowledgeStore(tmp_path / "kg")
    build([notice], store)
    quads = sum(1 for _ in store.quads())
    reader = subprocess.Popen([sys.executable, "-c", READ_LATER, str(store.path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline() == "open\n"
        old = store.generation()
        for line in ("一、新增一项工作。", "二、再增一项工作。"):  # two builds, each switching generations and sweeping
            notice.write_text(notice.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
            build([notice], store)
        assert old.exists() and store.generation() != old  # still on disk: a process reads it
        reader.stdin.write("go\n")
        reader.stdin.flush()
        assert int(reader.stdout.readline()) == quads  # and it still reads the graph it opened, whole
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    notice.write_text(notice.read_text(encoding="utf-8") + "三、又增一项工作。\n", encoding="utf-8")
    build([notice], store)
    assert generations(store) == [store.generation().name]  # the reader is gone: the next build sweeps its generation


def test_queries_during_a_build_see_the_old_graph_or_the_new_one(tmp_path):
    corpus = tmp_path / "corpus"
    generate(corpus, 80)
    store = KnowledgeStore(tmp_path / "kg")
    build([corpus], store, jobs=2)
    old = state(store)
    for path in sorted(corpus.iterdir())[::2]:  # change half of the documents
        path.write_text(path.read_text(encoding="utf-8") + "一、新增养老床位100张。\n", encoding="utf-8")
    in_process, endpoint, errors, done = [], [], [], threading.Event()
    pool = QueryPool(store.path, workers=1, time_limit=30)

    def ask_in_process():
        while not done.is_set():
            in_process.append(state(store))

    def ask_the_endpoint():
        while not done.is_set():
            answer = pool.run(STATE, [("application/sparql-results+json", 1.0)], None)
            if answer.status != 200:
                errors.append(answer.body.decode())
                continue
            rows = json.loads(answer.body)["results"]["bindings"]
            endpoint.append(tuple((row["g"]["value"], row["hash"]["value"], int(row["n"]["value"])) for row in rows))

    askers = [threading.Thread(target=ask_in_process), threading.Thread(target=ask_the_endpoint)]
    try:
        for asker in askers:
            asker.start()
        result = cli("build", corpus, "--store", store.path, "--jobs", "2")
        assert result.returncode == 0, result.stderr
        new = state(store)
        deadline = time.monotonic() + 60
        while new not in in_process[-1:] or new not in endpoint[-1:]:  # both askers have seen the build's graph
            assert time.monotonic() < deadline and all(asker.is_alive() for asker in askers), "an asker stopped"
            done.wait(0.05)
    finally:
        done.set()
        for asker in askers:
            asker.join(timeout=60)
        pool.close()
    assert old != new and not errors
    assert set(in_process) == {old, new} and set(endpoint) <= {old, new}  # every answer is the whole old graph or the whole new one


def test_the_endpoint_lets_go_of_generations_it_no_longer_reads(tmp_path):
    notice = tmp_path / "notice.txt"
    shutil.copy(SEED, notice)
    store = KnowledgeStore(tmp_path / "kg")
    build([notice], store)
    pool = QueryPool(store.path, workers=1, time_limit=30)
    try:
        made = [store.generation()]
        for number in range(3):
            assert pool.run("ASK { ?s ?p ?o }", [("application/sparql-results+json", 1.0)], None).status == 200
            notice.write_text(notice.read_text(encoding="utf-8") + f"{number + 1}、新增一项工作。\n", encoding="utf-8")
            build([notice], store)
            made.append(store.generation())
        assert pool.run("ASK { ?s ?p ?o }", [("application/sparql-results+json", 1.0)], None).status == 200
        # the worker read each generation in turn and let go of the one before: only the last it read is kept
        assert generations(store) == sorted(generation.name for generation in made[-2:])
    finally:
        pool.close()


def test_two_first_builds_at_once_leave_one_store(tmp_path):
    for attempt in range(6):
        path = tmp_path / f"kg-{attempt}"
        command = [sys.executable, "-m", "policykg", "build", str(SEED), "--store", str(path)]
        children = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outcomes = [(child.wait(timeout=120), child.stderr.read()) for child in children]
        for child in children:
            child.stdout.close()
            child.stderr.close()
        assert any(code == 0 for code, _ in outcomes), outcomes
        assert all(code == 0 or "another build is writing to this store" in error for code, error in outcomes), outcomes
        assert KnowledgeStore(path).exists() and len(generations(KnowledgeStore(path))) == 1


def test_a_build_while_another_process_builds_is_turned_away(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED], store)
    with store._lock():  # what a running build holds
        result = cli("build", CHENGDU, "--store", store.path)
    assert result.returncode == 1
    assert result.stderr == f"Error: {store.path}: another build is writing to this store; wait for it to finish\n"


def test_a_store_from_another_version_is_refused_by_readers_and_builders(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED], store)
    (store.path / "POLICYKG").write_text("policykg-store 2\n", encoding="utf-8")
    before = sorted(os.listdir(store.path))
    query = cli("query", "documents", "--store", store.path)
    assert query.returncode == 1 and "store format 'policykg-store 2' is not 'policykg-store 1' (another version of policykg made it); build into a new --store path" in query.stderr
    result = cli("build", CHENGDU, "--store", store.path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "store format 'policykg-store 2' is not 'policykg-store 1' (another version of policykg made it); build into a new --store path" in result.stderr
    assert sorted(os.listdir(store.path)) == before


def test_a_damaged_generation_gives_a_clear_error(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED], store)
    for path in store.generation().iterdir():
        if path.name.startswith(("CURRENT", "MANIFEST", "OPTIONS")):
            path.write_bytes(b"\x00garbage")
    result = cli("query", "documents", "--store", store.path)
    assert result.returncode == 1 and result.stderr.startswith(f"Error: {store.path}: cannot open the store: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.fixture
def shared_folder():
    """A folder another user can read (pytest's own folders are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="policykg-shared-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def as_another_user() -> list[str]:
    """Run a command as a user who may read but not write the store: root may write anywhere."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: no way to be a user who cannot write")
    nobody = pwd.getpwnam("nobody")
    return ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]


def test_a_read_only_store_answers_queries_and_refuses_builds(shared_folder):
    store = KnowledgeStore(shared_folder / "kg")
    build([SEED], store)
    document = shared_folder / "notice.txt"
    shutil.copy(CHENGDU, document)
    for path in [shared_folder, *shared_folder.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    prefix = as_another_user()
    environment = {**os.environ, "HOME": str(shared_folder), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [*prefix, sys.executable, "-m", "policykg"]
    query = subprocess.run([*command, "query", "documents", "--store", str(store.path), "--format", "csv"],
                           capture_output=True, text=True, env=environment, check=False)
    assert query.returncode == 0, query.stderr
    assert query.stdout.count("\n") == 4
    result = subprocess.run([*command, "build", str(document), "--store", str(store.path)], capture_output=True, text=True, env=environment, check=False)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: {store.path}: cannot write") and "Permission denied" in result.stderr
    for path in [shared_folder, *shared_folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_lock_taken_on_a_store_removed_meanwhile_is_not_trusted(tmp_path, monkeypatch):
    import fcntl

    path, real = tmp_path / "kg", fcntl.flock

    def removed_first(handle, operation):  # a failing first build removes the store between our open and our lock
        if operation & fcntl.LOCK_EX and path.exists():
            shutil.rmtree(path)
        return real(handle, operation)

    monkeypatch.setattr(fcntl, "flock", removed_first)
    with pytest.raises(StoreError, match="another build is writing to this store"):
        build([SEED], KnowledgeStore(path))
    assert not path.exists()
