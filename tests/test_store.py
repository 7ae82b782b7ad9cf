"""The store: identical rebuilds, per-document graphs, and builds that fail change nothing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

import policykg.build as build_module
import policykg.store as store_module
from policykg.build import BuildError, build
from policykg.graph_builder import triples
from policykg.graph_builder.gazetteer import Body, Gazetteer
from policykg.store import KnowledgeStore, StoreError

from support import BAOTOU, CHENGDU, CHENGDU_PAGE, SEED


def snapshot(store: KnowledgeStore) -> set[ox.Quad]:
    return set(store.quads())


def generations(store: KnowledgeStore) -> list[str]:
    return sorted(entry.name for entry in store.path.iterdir() if entry.name.startswith("gen-"))


@pytest.fixture(params=["from a checkpoint", "into an empty generation"])
def either_way(request, monkeypatch):
    """Run a test of builds that replace graphs both ways a build writes them: dropping them from a
    checkpoint of the store, or writing an empty generation and copying in what stays."""
    monkeypatch.setattr(build_module, "REWRITE_SHARE", 2.0 if request.param == "from a checkpoint" else 0.0)
    return request.param


def test_building_twice_gives_the_same_quads(tmp_path):
    first, second = KnowledgeStore(tmp_path / "a"), KnowledgeStore(tmp_path / "b")
    build([SEED, CHENGDU], first)
    build([CHENGDU, SEED], second)
    build([SEED], second)
    assert snapshot(first) == snapshot(second) and len(snapshot(first)) > 10000


def test_each_document_has_its_own_graph_beside_the_shared_ones(corpus_store):
    graphs = set(corpus_store.graphs())
    assert triples.SHARED_GRAPHS - {triples.INFERRED_GRAPH.value} <= graphs and len(graphs - triples.SHARED_GRAPHS) == 3


@pytest.mark.usefixtures("either_way")
def test_rebuilding_one_document_replaces_only_its_graph(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED, BAOTOU], store)
    before = snapshot(store)
    copy = tmp_path / "seed.txt"
    copy.write_text(SEED.read_text(encoding="utf-8").replace("新增3000张养老床位", "新增3500张养老床位"), encoding="utf-8")
    build([copy], store)
    after = snapshot(store)
    changed = {quad.graph_name.value for quad in before ^ after}
    assert len(changed) == 1 and triples.GRAPH_BASE in next(iter(changed))
    values = {quad.object.value for quad in after if quad.predicate.value.endswith("#value")}
    assert "3500" in values and "3000" in values  # the other 3000s of the plan are still there


@pytest.mark.usefixtures("either_way")
def test_a_bad_file_is_listed_and_the_others_are_built(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    notice = tmp_path / "notice.txt"
    shutil.copy(CHENGDU, notice)
    build([SEED, notice], store)
    built, before = build_module._built(store), snapshot(store)
    notice.write_bytes(b"")  # a download that came back empty: what was built from the file stays
    report = build([SEED, notice, BAOTOU], store)
    assert report.failed == [f"{notice}: the file is empty"] and report.documents == [str(BAOTOU)]
    after = snapshot(store)
    assert build_module._built(store).keys() == built.keys() | {str(BAOTOU.resolve())}
    for graph, _, _ in built.values():
        assert {quad for quad in after if quad.graph_name.value == graph} == {quad for quad in before if quad.graph_name.value == graph}


def test_strict_stops_at_the_first_bad_file_and_changes_nothing(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED], store)
    before, gens = snapshot(store), generations(store)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(BuildError, match=r"empty\.txt: the file is empty"):
        build([CHENGDU, empty], store, strict=True)
    assert snapshot(store) == before and generations(store) == gens


def test_a_first_build_that_fails_leaves_no_store(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(BuildError):
        build([CHENGDU, empty], KnowledgeStore(tmp_path / "kg"), strict=True)
    assert not (tmp_path / "kg").exists()
    (tmp_path / "mine").mkdir()  # a folder the user made for it stays, empty
    with pytest.raises(BuildError):
        build([CHENGDU, empty], KnowledgeStore(tmp_path / "mine"), strict=True)
    assert [entry.name for entry in (tmp_path / "mine").iterdir() if entry.name != ".lock"] == []


def test_a_write_that_raises_midway_changes_nothing(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED], store)
    before, gens = snapshot(store), generations(store)
    def crashing():
        for number, quad in enumerate(snapshot(store)):
            if number == 500:
                raise RuntimeError("disk on fire")
            yield ox.Quad(quad.subject, quad.predicate, ox.Literal("changed"), quad.graph_name)

    with pytest.raises(RuntimeError, match="disk on fire"):
        store.replace({"https://w3id.org/policykg/graph/x": crashing()})
    assert snapshot(store) == before and generations(store) == gens


def test_a_killed_build_leaves_a_generation_that_the_next_build_sweeps(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED], store)
    before = snapshot(store)
    (store.path / "gen-left-by-a-kill").mkdir()
    assert snapshot(store) == before
    build([CHENGDU], store)  # the next build that writes sweeps what a killed one left
    assert "gen-left-by-a-kill" not in generations(store) and before < snapshot(store) | before


def test_the_same_document_as_text_and_page_is_built_once(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    report = build([CHENGDU_PAGE, CHENGDU], store)
    assert report.documents == [str(CHENGDU)] and report.duplicates == [(str(CHENGDU_PAGE), str(CHENGDU))]


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (lambda path: None, "no knowledge graph here; build one with `policykg build DOCUMENTS --store"),
        (lambda path: path.mkdir(), "not a policykg store (no POLICYKG file)"),
        (lambda path: (path.mkdir(), (path / "POLICYKG").write_text("policykg-store 0\n")), "store format 'policykg-store 0' is not 'policykg-store 1'"),
    ],
)
def test_a_store_that_cannot_be_read_says_why(tmp_path, prepare, message):
    path = tmp_path / "kg"
    prepare(path)
    with pytest.raises(StoreError) as caught:
        KnowledgeStore(path).reader()
    assert str(caught.value).startswith(f"{path}: {message}")


def test_building_into_a_folder_that_is_not_a_store_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(StoreError, match="the folder exists and is not a policykg store"):
        build([SEED], KnowledgeStore(tmp_path))
    assert os.listdir(tmp_path) == ["notes.txt"]


def test_a_second_writer_is_turned_away(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED], store)
    with store._lock():
        with pytest.raises(StoreError, match="another build is writing to this store"):
            build([CHENGDU], store)
    shutil.rmtree(tmp_path / "kg")


def test_two_documents_with_the_same_generic_title_stay_two(tmp_path):
    first, second = tmp_path / "zhejiang.txt", tmp_path / "jiangsu.txt"
    first.write_text("政府工作报告\n浙江省人民政府\n一、2024年工作回顾\n全省新增养老床位1000张。\n", encoding="utf-8")
    second.write_text("政府工作报告\n江苏省人民政府\n一、2024年工作回顾\n全省新增养老床位2000张。\n", encoding="utf-8")
    store = KnowledgeStore(tmp_path / "kg")
    report = build([first, second], store)
    assert report.duplicates == [] and len(report.documents) == 2
    build([first], store)
    values = {quad.object.value for quad in store.quads() if quad.predicate.value.endswith("#value")}
    assert values == {"1000", "2000"}


@pytest.mark.usefixtures("either_way")
def test_a_file_rebuilt_under_a_new_title_replaces_what_it_made_before(tmp_path):
    document = tmp_path / "notice.txt"
    text = SEED.read_text(encoding="utf-8")
    document.write_text(text, encoding="utf-8")
    store = KnowledgeStore(tmp_path / "kg")
    build([document], store)
    document.write_text(text.replace("沪民办发〔2025〕2 号", "沪民办发〔2025〕3 号"), encoding="utf-8")
    build([document], store)
    assert len(set(store.graphs()) - triples.SHARED_GRAPHS) == 1  # only the document's new graph
    numbers = {quad.object.value for quad in store.quads() if quad.predicate.value.endswith("#docNumber")}
    assert numbers == {"沪民办发〔2025〕3号"}


@pytest.mark.usefixtures("either_way")
def test_an_unchanged_file_is_skipped_and_a_changed_one_replaced(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    copy = tmp_path / "notice.txt"
    copy.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    first = build([copy, CHENGDU], store)
    before, gens = snapshot(store), generations(store)
    again = build([copy, CHENGDU], store)
    assert (sorted(again.unchanged), again.documents, again.quads) == (sorted([str(copy), str(CHENGDU)]), [], 0)
    assert snapshot(store) == before and generations(store) == gens and again.seconds < first.seconds
    copy.write_text(SEED.read_text(encoding="utf-8").replace("新增3000张养老床位", "新增3100张养老床位"), encoding="utf-8")
    changed = build([copy, CHENGDU], store)
    assert changed.documents == [str(copy)] and changed.unchanged == [str(CHENGDU)]


@pytest.mark.usefixtures("either_way")
def test_changed_files_rebuilt_in_several_batches_give_the_graph_of_a_fresh_build(tmp_path, monkeypatch):
    folder = tmp_path / "docs"
    folder.mkdir()
    for source in (SEED, CHENGDU, BAOTOU):
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    store = KnowledgeStore(tmp_path / "kg")
    build([folder], store)
    for name in (SEED.name, BAOTOU.name):
        changed = folder / name
        changed.write_text(changed.read_text(encoding="utf-8") + "\n（本文有修订）\n", encoding="utf-8")
    monkeypatch.setattr(build_module, "BATCH_QUADS", 2000)  # each changed graph is dropped while other batches load
    report = build([folder], store)
    assert report.documents == sorted(str(folder / name) for name in (SEED.name, BAOTOU.name))
    fresh = KnowledgeStore(tmp_path / "fresh")
    build([folder], fresh)
    assert snapshot(store) == snapshot(fresh)


@pytest.mark.usefixtures("either_way")
def test_remove_and_prune_drop_the_graphs_of_files(tmp_path):
    from policykg.build import BuildError, remove

    store = KnowledgeStore(tmp_path / "kg")
    copy = tmp_path / "notice.txt"
    copy.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    build([copy, CHENGDU, BAOTOU], store)
    assert len(set(store.graphs()) - triples.SHARED_GRAPHS) == 3
    assert len(remove([BAOTOU], store)) == 1 and len(set(store.graphs()) - triples.SHARED_GRAPHS) == 2
    copy.unlink()
    report = build([CHENGDU], store, prune=True)
    assert len(report.removed) == 1 and len(set(store.graphs()) - triples.SHARED_GRAPHS) == 1
    with pytest.raises(BuildError, match="nothing in .* was built from"):
        remove([BAOTOU], store)


def test_parallel_extraction_builds_the_same_graph(tmp_path):
    one, two = KnowledgeStore(tmp_path / "one"), KnowledgeStore(tmp_path / "two")
    build([SEED, CHENGDU, BAOTOU], one)
    build([BAOTOU, SEED, CHENGDU], two, jobs=2)
    assert snapshot(one) == snapshot(two)


@pytest.mark.usefixtures("either_way")
def test_a_rebuild_keeps_the_text_of_a_document_also_given_as_a_page(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    build([CHENGDU, CHENGDU_PAGE], store)
    before, generation = snapshot(store), store.generation()
    again = build([CHENGDU, CHENGDU_PAGE], store)
    assert again.documents == [] and again.duplicates == [(str(CHENGDU_PAGE), str(CHENGDU))] and snapshot(store) == before
    assert store.generation() == generation  # the page was read again, but nothing was written


def test_parallel_extraction_uses_the_given_gazetteer(tmp_path):
    rows = (Path(__file__).resolve().parent.parent / "data/agencies.tsv").read_text(encoding="utf-8").splitlines()
    custom = tmp_path / "agencies.tsv"
    custom.write_text("\n".join(row for row in rows if not row.startswith("上海市科学技术委员会\t")) + "\n", encoding="utf-8")
    gazetteer = Gazetteer.load(custom)
    packaged, serial, parallel = (KnowledgeStore(tmp_path / name) for name in ("packaged", "serial", "parallel"))
    build([SEED, CHENGDU], packaged)
    build([SEED, CHENGDU], serial, gazetteer=gazetteer)
    build([CHENGDU, SEED], parallel, gazetteer=gazetteer, jobs=2)
    assert snapshot(serial) != snapshot(packaged)  # the seed names 市科委: the custom gazetteer changes the graph
    assert snapshot(parallel) == snapshot(serial)


def test_remove_matches_titles_with_the_places_of_the_gazetteer_the_store_was_built_with(tmp_path):
    rows = (Path(__file__).resolve().parent.parent / "data/agencies.tsv").read_text(encoding="utf-8").splitlines()
    custom = tmp_path / "agencies.tsv"
    custom.write_text("\n".join(row for row in rows if not row.startswith("上海市人民政府\t")) + "\n", encoding="utf-8")
    gazetteer = Gazetteer.load(custom)  # 上海市 is no jurisdiction prefix: 《上海市…条例》 and 《…条例》 are not matched
    store, fresh = KnowledgeStore(tmp_path / "kg"), KnowledgeStore(tmp_path / "fresh")
    build([SEED, CHENGDU, BAOTOU], store, gazetteer=gazetteer)
    assert build_module._places_held(store) == gazetteer.place_names != Gazetteer.load().place_names
    build_module.remove([BAOTOU], store)
    build([SEED, CHENGDU], fresh, gazetteer=gazetteer)
    assert snapshot(store) == snapshot(fresh)  # the packaged places would have matched one pair more


def test_loading_in_small_batches_builds_the_same_graph(tmp_path, monkeypatch):
    whole = KnowledgeStore(tmp_path / "whole")
    build([CHENGDU_PAGE, SEED, CHENGDU, BAOTOU], whole)
    monkeypatch.setattr(build_module, "BATCH_QUADS", 500)  # a batch per few hundred quads: the page is loaded, then replaced by its text
    batched = KnowledgeStore(tmp_path / "batched")
    report = build([CHENGDU_PAGE, SEED, CHENGDU, BAOTOU], batched)
    assert report.duplicates == [(str(CHENGDU_PAGE), str(CHENGDU))]
    assert snapshot(batched) == snapshot(whole)
    assert not list(tmp_path.glob(".*-incoming-*"))  # the build's scratch files are gone


def test_optimize_merges_the_loads_without_changing_the_graph(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "BATCH_QUADS", 2000)  # several loads, so there are files to merge
    plain, merged = KnowledgeStore(tmp_path / "plain"), KnowledgeStore(tmp_path / "merged")
    build([SEED, CHENGDU, BAOTOU], plain, optimize=False)
    assert build([SEED, CHENGDU, BAOTOU], merged).merge_seconds > 0
    assert snapshot(merged) == snapshot(plain)
    assert len(list(merged.generation().glob("*.sst"))) < len(list(plain.generation().glob("*.sst")))
    later = KnowledgeStore(tmp_path / "later")
    assert build([SEED, CHENGDU], later).merge_seconds > 0
    monkeypatch.setattr(build_module, "BATCH_QUADS", 250_000)
    added = build([BAOTOU], later)  # one batch of documents (and the shared graphs): not worth merging the whole store for
    assert added.documents == [str(BAOTOU)] and added.merge_seconds == 0
    before, generation = snapshot(later), later.generation()
    assert build([SEED, CHENGDU, BAOTOU], later).merge_seconds == 0 and later.generation() == generation  # nothing to do
    asked = build([SEED, CHENGDU, BAOTOU], later, optimize=True)  # after small builds, merged when asked: nothing else changes
    assert (asked.documents, asked.merge_seconds > 0, snapshot(later)) == ([], True, before) and later.generation() != generation


def test_a_load_that_fails_in_the_background_fails_the_build_and_changes_nothing(tmp_path, monkeypatch):
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED], store)
    before, generation = snapshot(store), store.generation()
    extract = build_module._extract_one

    def broken(path, *args):  # Baotou's quads come out cut short, as if its disk filled up
        extracted = extract(path, *args)
        if Path(path).name == BAOTOU.name:
            with open(extracted.quads, "ab") as output:
                output.write(b"<https://example.org/s> <https://example.org/p> \"cut short")
        return extracted

    monkeypatch.setattr(build_module, "_extract_one", broken)
    monkeypatch.setattr(build_module, "BATCH_QUADS", 2000)  # Baotou's load is one of several under way
    with pytest.raises(SyntaxError):
        build([SEED, CHENGDU, BAOTOU], store)
    assert store.generation() == generation and snapshot(store) == before
    assert generations(store) == [generation.name]
    assert not list(tmp_path.glob(".*-incoming-*"))
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("policykg-load")]


@pytest.mark.usefixtures("either_way")
def test_a_page_still_loading_is_dropped_before_its_text_loads(tmp_path, monkeypatch):
    load = store_module.Generation._load
    delayed = []

    def slow(self, files):  # the page's batch is still loading when its text arrives
        if not delayed:
            delayed.append(files)
            time.sleep(1.5)
        return load(self, files)

    monkeypatch.setattr(store_module.Generation, "_load", slow)
    monkeypatch.setattr(build_module, "BATCH_QUADS", 1)  # a batch per document
    store = KnowledgeStore(tmp_path / "kg")
    report = build([CHENGDU_PAGE, CHENGDU], store)
    assert report.duplicates == [(str(CHENGDU_PAGE), str(CHENGDU))]
    files = {row["file"].value for row in store.query(f"SELECT ?file WHERE {{ ?document <{triples._PKG.sourceFile.value}> ?file }}")}
    assert files == {str(CHENGDU.resolve())}
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("policykg-load")]


def test_a_build_that_switches_in_while_another_plans_is_seen_by_its_writer(tmp_path, monkeypatch):
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED], store)
    load = Gazetteer.load

    def meanwhile(*args, **kwargs):  # while this build plans, another builds the page of the same document
        monkeypatch.setattr(Gazetteer, "load", load)
        build([CHENGDU_PAGE], KnowledgeStore(store.path))
        return load(*args, **kwargs)

    monkeypatch.setattr(Gazetteer, "load", meanwhile)
    build([CHENGDU], store)  # its text replaces the page's graph, which the writer finds under the lock
    files = {row["file"].value for row in store.query(f"SELECT ?file WHERE {{ ?document <{triples._PKG.sourceFile.value}> ?file }}")}
    assert files == {str(SEED.resolve()), str(CHENGDU.resolve())}


def test_a_killed_build_leaves_scratch_files_that_the_next_build_sweeps(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED], store)
    stale = tmp_path / ".kg-incoming-killed"
    stale.mkdir()
    (stale / ".lock").touch()  # nobody holds its lock: the build that made it is gone
    (stale / "graph.nq").write_text("<a> <b> <c> <d> .\n")
    build([CHENGDU], store)
    assert not stale.exists()


def _orphaned_workers() -> set[int]:
    """Worker processes whose parent has gone (adopted by init)."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            command = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if fields.get("PPid", "").strip() == "1" and b"spawn_main" in command:
            found.add(int(status.parent.name))
    return found


def test_a_build_killed_at_any_moment_leaves_the_store_as_it_was(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from corpus import generate

    generate(tmp_path / "corpus", 120)
    seed = KnowledgeStore(tmp_path / "seed")
    build([SEED], seed)
    before = snapshot(seed)

    def command(path: Path) -> list[str]:
        return [sys.executable, "-m", "policykg", "build", str(tmp_path / "corpus"), "--store", str(path), "--jobs", "2"]

    reference = tmp_path / "reference"
    shutil.copytree(seed.path, reference, symlinks=True)
    started = time.perf_counter()
    subprocess.run(command(reference), check=True, capture_output=True)
    whole = time.perf_counter() - started
    after = snapshot(KnowledgeStore(reference))
    interrupted, orphans_before = [], _orphaned_workers()
    for fraction in (0.2, 0.4, 0.6, 0.8):  # while starting, extracting, loading batches, writing the index
        killed = KnowledgeStore(tmp_path / f"killed-{fraction}")
        shutil.copytree(seed.path, killed.path, symlinks=True)
        child = subprocess.Popen(command(killed.path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(fraction * whole)
        child.kill()
        child.wait()
        state = snapshot(killed)
        assert state in (before, after)  # the old graph or the new one, never a half
        if state == before:
            interrupted.append(killed)
    assert len(interrupted) >= 2
    deadline = time.monotonic() + 10
    while _orphaned_workers() - orphans_before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _orphaned_workers() - orphans_before  # the killed builds' extraction workers died with them
    left = [store for store in interrupted if list(tmp_path.glob(f".{store.path.name}-incoming-*"))]
    assert left  # a kill during extraction leaves its scratch folder behind
    build([tmp_path / "corpus"], left[-1])  # the next build after a kill succeeds, and sweeps what it left
    assert snapshot(left[-1]) == after and not list(tmp_path.glob(f".{left[-1].path.name}-incoming-*"))
    assert generations(left[-1]) == [left[-1].generation().name]


def _same_as_a_fresh_build(store: KnowledgeStore, folder: Path, tmp_path: Path) -> bool:
    fresh = KnowledgeStore(tmp_path / "fresh")
    build([folder], fresh)
    return snapshot(store) == snapshot(fresh) and sorted(store.graphs()) == sorted(fresh.graphs())


@pytest.mark.usefixtures("either_way")
def test_a_renamed_file_built_with_prune_keeps_its_document(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(CHENGDU, folder / "a.txt")
    shutil.copy(BAOTOU, folder / "c.txt")
    store = KnowledgeStore(tmp_path / "kg")
    build([folder], store)
    (folder / "a.txt").rename(folder / "b.txt")  # the same document under a new name: its graph is pruned and rebuilt at once
    report = build([folder], store, prune=True)
    assert report.removed == [] and _same_as_a_fresh_build(store, folder, tmp_path)


@pytest.mark.usefixtures("either_way")
def test_a_build_without_infer_drops_what_was_inferred_before(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED, CHENGDU], store, infer=True)
    assert triples.INFERRED_GRAPH.value in store.graphs()
    build([SEED], store)  # nothing changed: the store, inferences included, stays
    assert triples.INFERRED_GRAPH.value in store.graphs()
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(BAOTOU, folder / "baotou.txt")
    build([folder], store)  # a change without --infer: what was inferred from the old graphs would be stale
    assert triples.INFERRED_GRAPH.value not in store.graphs()


@pytest.mark.usefixtures("either_way")
def test_a_file_that_becomes_a_copy_drops_its_earlier_document(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    text = CHENGDU.read_text(encoding="utf-8")
    number = re.search(r"成办发〔\d{4}〕\d+号", text)[0]
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.txt").write_text(text.replace(number, number.replace("号", "1号")), encoding="utf-8")  # another 文号: another document
    store = KnowledgeStore(tmp_path / "kg")
    build([folder], store)
    (folder / "b.txt").write_text(text, encoding="utf-8")  # now a copy of a.txt
    report = build([folder], store)
    assert report.duplicates == [(str(folder / "b.txt"), str(folder / "a.txt"))] and len(report.removed) == 1
    assert _same_as_a_fresh_build(store, folder, tmp_path)


def test_a_build_that_replaces_most_documents_writes_an_empty_generation_and_keeps_the_rest(tmp_path, monkeypatch):
    folder, other = tmp_path / "docs", tmp_path / "other"
    folder.mkdir()
    other.mkdir()
    for source in (CHENGDU, BAOTOU):
        shutil.copy(source, folder / source.name)
    shutil.copy(SEED, other / SEED.name)  # built from another folder: not in the next build's paths, and kept
    store = KnowledgeStore(tmp_path / "kg")
    build([folder, other], store)
    seed = ox.NamedNode(build_module._built(store)[str((other / SEED.name).resolve())][0])
    seed_graph = {quad for quad in snapshot(store) if quad.graph_name == seed}
    carried = []
    monkeypatch.setattr(store_module.Generation, "carry", lambda self, graphs, scratch, carry=store_module.Generation.carry: (
        carried.append(sorted(graphs)), carry(self, graphs, scratch))[1])
    for source in (CHENGDU, BAOTOU):  # two of three documents change
        (folder / source.name).write_text(source.read_text(encoding="utf-8") + "\n（本文有修订）\n", encoding="utf-8")
    report = build([folder], store)
    assert report.documents == sorted(str(folder / source.name) for source in (CHENGDU, BAOTOU))
    assert [len(graphs) for graphs in carried] == [1, 0]  # the seed's graph, then no failed file's
    assert {quad for quad in snapshot(store) if quad.graph_name == seed} == seed_graph and len(seed_graph) > 5000
    fresh = KnowledgeStore(tmp_path / "fresh")
    build([folder, other], fresh)
    assert snapshot(store) == snapshot(fresh) and sorted(store.graphs()) == sorted(fresh.graphs())


def test_a_document_is_extracted_again_when_the_rules_or_the_gazetteer_change(tmp_path, monkeypatch):
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED, CHENGDU], store)
    assert build([SEED, CHENGDU], store).documents == []
    rows = (Path(__file__).resolve().parent.parent / "data/agencies.tsv").read_text(encoding="utf-8").splitlines()
    custom = tmp_path / "agencies.tsv"
    custom.write_text("\n".join(row for row in rows if not row.startswith("上海市科学技术委员会\t")) + "\n", encoding="utf-8")
    gazetteer = Gazetteer.load(custom)
    report = build([SEED, CHENGDU], store, gazetteer=gazetteer)  # the same bytes, another gazetteer
    assert report.documents == sorted([str(SEED), str(CHENGDU)]) and report.unchanged == []
    fresh = KnowledgeStore(tmp_path / "fresh")
    build([SEED, CHENGDU], fresh, gazetteer=gazetteer)
    assert snapshot(store) == snapshot(fresh)
    assert build([SEED, CHENGDU], store, gazetteer=Gazetteer.load(custom)).documents == []  # the same gazetteer read again
    monkeypatch.setattr(triples, "_rules_digest", lambda: "the rules of another version of policykg")
    triples._extractor_version.cache_clear()
    try:
        assert build([SEED, CHENGDU], store, gazetteer=gazetteer).documents == sorted([str(SEED), str(CHENGDU)])
    finally:
        triples._extractor_version.cache_clear()


def test_the_gazetteer_in_another_order_is_another_version():
    # two bodies claim the short form 市发改委: the first listed wins, so the order is part of what extracts
    governments = [Body("甲市人民政府", (), "市级", ""), Body("乙市人民政府", (), "市级", "")]
    first, second = Body("甲市发展和改革委员会", ("市发改委",), "市级", "甲市人民政府"), Body("乙市发展改革委", ("市发改委",), "市级", "乙市人民政府")
    one, other = Gazetteer([*governments, first, second]), Gazetteer([*governments, second, first])
    assert one.departments["发改委"] != other.departments["发改委"]
    assert triples.extractor_version(one) != triples.extractor_version(other)
    assert triples.extractor_version(one) == triples.extractor_version(Gazetteer([*governments, first, second]))


@pytest.mark.usefixtures("either_way")
def test_optimize_merges_even_when_every_file_to_do_fails(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for source in (SEED, CHENGDU, BAOTOU):
        shutil.copy(source, folder / source.name)
    store = KnowledgeStore(tmp_path / "kg")
    build([folder], store)
    before, generation = snapshot(store), store.generation()
    for source in (SEED, CHENGDU):
        (folder / source.name).write_bytes(b"")  # what was built from them stays
    report = build([folder], store, optimize=True)
    assert len(report.failed) == 2 and report.documents == [] and report.merge_seconds > 0
    assert store.generation() != generation and snapshot(store) == before


def test_a_store_whose_path_has_uri_characters_builds_removes_and_searches(tmp_path):
    from policykg.build import remove
    from policykg.search import search

    store = KnowledgeStore(tmp_path / "kg#1 %41?" / "store")
    build([SEED], store)
    build([CHENGDU], store)
    assert len(search(store, "老年人权益保障条例").rows) > 0
    assert len(remove([SEED], store)) == 1 and search(store, "老年人权益保障条例").rows == []


@pytest.mark.parametrize("deadly_name", ["a-first.txt", "z-last.txt"])
def test_a_worker_that_dies_fails_its_file_and_the_others_are_built(tmp_path, deadly_name):
    from support import DyingGazetteer

    folder = tmp_path / "corpus"
    folder.mkdir()
    for number in range(6):
        (folder / f"notice-{number}.txt").write_text(
            f"某{'甲乙丙丁戊己'[number]}市民政局关于印发《养老服务工作要点》的通知\n一、新增养老床位{number + 1}00张。\n", encoding="utf-8")
    deadly = folder / deadly_name
    deadly.write_text("致命市民政局关于印发《养老服务工作要点》的通知\n一、新增养老床位900张。\n", encoding="utf-8")
    store = KnowledgeStore(tmp_path / "kg")
    report = build([folder], store, DyingGazetteer.load(), jobs=2)
    assert report.failed == [f"{deadly}: not built: the process extracting it died (killed, or out of memory)"]
    assert report.documents == sorted(str(path) for path in folder.iterdir() if path != deadly)
    assert build([folder], store, jobs=1).documents == [str(deadly)]  # without the dying worker it is built next time


def _notice(city: str, cited: str) -> str:
    return (f"{city}民政局关于印发《{city}养老服务工作要点》的通知\n各区民政局：\n"
            f"一、贯彻《{cited}》，新增养老床位300张。\n{city}民政局\n2025年1月22日\n")


@pytest.mark.usefixtures("either_way")
def test_a_build_changes_the_title_matches_in_place_and_ends_as_a_fresh_build(tmp_path, monkeypatch):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(_notice("甲市", "关于进一步加强养老服务的意见(试行)"), encoding="utf-8")
    (folder / "b.txt").write_text(_notice("乙市", "关于加强养老服务的意见"), encoding="utf-8")
    store = KnowledgeStore(tmp_path / "kg")
    build([folder, BAOTOU], store)
    matches = lambda: {quad for quad in snapshot(store) if quad.graph_name == triples.RESOLUTION_GRAPH}
    before = matches()
    dropped: list[str] = []
    original_drop = store_module.Generation.drop
    monkeypatch.setattr(store_module.Generation, "drop", lambda self, graphs: original_drop(self, dropped.extend(graphs) or graphs))
    (folder / "b.txt").write_text(_notice("乙市", "关于加强社区养老服务的意见"), encoding="utf-8")  # its match goes
    (folder / "c.txt").write_text(_notice("丙市", "关于全面加强养老服务的意见"), encoding="utf-8")  # another comes
    build([folder, BAOTOU], store)
    after = matches()
    fresh = KnowledgeStore(tmp_path / "fresh")
    build([folder, BAOTOU], fresh)
    assert before and after and before != after and snapshot(store) == snapshot(fresh) and store.graphs() == fresh.graphs()
    build_module.remove([BAOTOU], store)
    (folder / "a.txt").unlink()  # every match goes
    build([folder], store, prune=True)
    assert not matches() and triples.RESOLUTION_GRAPH.value not in dropped  # changed where it is, never dropped,
    assert triples.RESOLUTION_GRAPH.value not in store.graphs()  # and no longer listed once empty, as after a fresh build
    assert _same_as_a_fresh_build(store, folder, tmp_path / "again")


def _lines(quads: list[ox.Quad]) -> list[str]:
    return [line + "\n" for line in ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8").split("\n") if line]


def test_a_record_that_does_not_match_its_graph_is_not_trusted(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    graph = "https://example.org/g"
    quad = lambda n: ox.Quad(ox.NamedNode(f"https://example.org/{n}"), ox.NamedNode("https://example.org/p"), ox.Literal(str(n)), ox.NamedNode(graph))
    quads_of = lambda units: _lines([quad(int(unit)) for unit in units])  # noqa: E731
    units = lambda numbers: [str(n) for n in numbers]  # noqa: E731
    with store.transaction() as generation:
        assert generation.sync_units("r.txt", graph, units(range(5)), quads_of) == 5  # no record before: loaded whole
    with store.transaction() as generation:
        assert generation.sync_units("r.txt", graph, units(range(1, 6)), quads_of) == 2  # the record believed: one gone, one added
    assert snapshot(store) == {quad(n) for n in range(1, 6)}
    record = store.generation() / "r.txt"
    record.write_text(record.read_text(encoding="utf-8") + "8\n", encoding="utf-8")  # a record longer than its header says
    with store.transaction() as generation:
        assert generation.sync_units("r.txt", graph, units(range(3, 9)), quads_of) == 6  # not believed: loaded whole
    assert snapshot(store) == {quad(n) for n in range(3, 9)}
    blank = ox.Quad(ox.BlankNode(), quad(1).predicate, quad(1).object, ox.NamedNode(graph))
    with store.transaction() as generation, pytest.raises(ValueError, match="blank nodes"):
        generation.sync_units("r.txt", graph, ["x"], lambda _: _lines([blank]))
    blank = ox.Quad(quad(1).subject, quad(1).predicate, ox.BlankNode(), ox.NamedNode(graph))
    with store.transaction() as generation, pytest.raises(ValueError, match="blank nodes"):
        generation.sync_units("r.txt", graph, ["x"], lambda _: _lines([blank]))
    with store.transaction() as generation, pytest.raises(ValueError, match="in another graph"):
        generation.sync_units("r.txt", "https://example.org/other", ["1"], quads_of)
    assert snapshot(store) == {quad(n) for n in range(3, 9)}  # each refusal changed nothing


def test_units_are_written_by_difference_when_their_record_is_believed(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    graph = "https://example.org/g"
    made: list[list[str]] = []

    def quads(units):  # two quads a unit, none shared between units
        return [ox.Quad(ox.NamedNode(f"https://example.org/{unit}"), ox.NamedNode(f"https://example.org/p{n}"), ox.Literal(unit), ox.NamedNode(graph))
                for unit in units for n in (1, 2)]

    def quads_of(units):
        made.append(list(units))
        return _lines(quads(units))

    with store.transaction() as generation:
        assert generation.sync_units("u.txt", graph, ["a", "b", "c"], quads_of) == 6  # no record before: loaded whole
    assert snapshot(store) == set(quads(["a", "b", "c"]))
    made.clear()
    with store.transaction() as generation:
        assert generation.sync_units("u.txt", graph, ["b", "c", "d"], quads_of) == 4  # one unit gone, one come
    assert made == [["a"], ["d"]]  # only their quads were made
    assert snapshot(store) == set(quads(["b", "c", "d"]))
    with store.transaction() as generation:
        generation.add([ox.Quad(ox.NamedNode("https://example.org/x"), ox.NamedNode("https://example.org/p"), ox.Literal("x"), ox.NamedNode(graph))])
    made.clear()
    with store.transaction() as generation:  # the graph holds a quad its record does not count: not believed, loaded whole
        assert generation.sync_units("u.txt", graph, ["c", "d"], quads_of) == 4
    assert made == [["c", "d"]] and snapshot(store) == set(quads(["c", "d"]))
    with store.transaction() as generation:
        assert generation.sync_units("u.txt", graph, [], quads_of) == 4
    assert not snapshot(store) and graph not in store.graphs()  # emptied: no longer listed, as after a fresh build


def test_the_titles_record_holds_what_the_graphs_hold_and_is_not_trusted_otherwise(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    build([SEED, CHENGDU], store)
    build([BAOTOU], store)
    build_module.remove([CHENGDU], store)
    record = store.generation() / build_module.TITLES_RECORD
    recorded = build_module._titles_held(store)
    assert len(recorded) == 2 and all(recorded.values())  # the seed's and Baotou's graphs, each with its titles
    text = record.read_text(encoding="utf-8")
    record.unlink()
    assert build_module._titles_held(store) == recorded  # the same, read from the graphs
    changed = json.loads(text)
    changed["graphs"]["https://example.org/gone"] = {}
    record.write_text(json.dumps(changed), encoding="utf-8")
    assert build_module._titles_held(store) == recorded  # a record of other graphs than the store's is not believed


def test_optimize_alone_merges_and_keeps_everything_else(tmp_path):
    from policykg import queries, results
    from policykg.search import search

    store = KnowledgeStore(tmp_path / "kg")
    build([SEED, CHENGDU], store, infer=True)
    build([BAOTOU], store, infer=True)  # one batch: not merged
    before, generation, found = snapshot(store), store.generation(), search(store, "养老床位").rows
    records = {name: (generation / name).read_bytes() for name in (build_module.SHARED_RECORD, build_module.MATCH_RECORD, build_module.TITLES_RECORD)}
    programs = results.run(store, queries.load("programs")).rows  # evaluated, and kept with the generation
    kept = sorted(path.name for path in (generation / "answers").glob("*.tsv"))
    assert any(quad.graph_name == triples.INFERRED_GRAPH for quad in before) and found
    merged = build([SEED, CHENGDU, BAOTOU], store, optimize=True)
    assert (merged.documents, merged.quads, merged.merge_seconds > 0) == ([], 0, True) and store.generation() != generation
    assert snapshot(store) == before and search(store, "养老床位").rows == found  # the inferred graph and the index stay
    assert {name: (store.generation() / name).read_bytes() for name in records} == records  # so the next build still changes matches in place
    assert kept and sorted(path.name for path in (store.generation() / "answers").glob("*.tsv")) == kept  # still this graph's answers
    assert results.run(store, queries.load("programs")).rows == programs
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    failed = build([empty], KnowledgeStore(tmp_path / "new"), optimize=True)  # nothing to merge into: no store is made
    assert failed.failed and not KnowledgeStore(tmp_path / "new").exists()


@pytest.mark.parametrize("line, message", [
    ("<https://example.org/s> <https://example.org/p> <https://example.org/g> .", "not one quad"),  # a triple of the default graph
    ("<https://example.org/s> <https://example.org/p> <https://example.org/o> <https://example.org/other> .\n"
     "<https://example.org/s> <https://example.org/p> <https://example.org/o> <https://example.org/g> .", "not one quad"),  # two lines in one
    ("<https://example.org/s>\t<https://example.org/p>\t_:b <https://example.org/g> .", "blank nodes"),
    ("<https://example.org/s> <https://example.org/p>  _:b <https://example.org/g> .", "blank nodes"),
    ("_:b <https://example.org/p> <https://example.org/o> <https://example.org/g> .", "blank nodes"),
    ("<https://example.org/s> <https://example.org/p> <https://example.org/o> <https://example.org/other> .", "in another graph"),
])
def test_units_are_refused_unless_each_line_is_one_quad_of_the_graph(tmp_path, line, message):
    store = KnowledgeStore(tmp_path / "kg")
    with store.transaction() as generation, pytest.raises(ValueError, match=message):
        generation.sync_units("r.txt", "https://example.org/g", ["x"], lambda _: [line])


def test_units_may_hold_anything_a_literal_may(tmp_path):
    store = KnowledgeStore(tmp_path / "kg")
    text = 'a "quoted" \\ back\nslash _:b <https://example.org/g> .\t\u2028'
    quad = ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal(text, language="zh"), ox.NamedNode("https://example.org/g"))
    unit = "x\u2028y"  # a unit may hold it too: the record is cut at newlines only
    lines_of = lambda units: _lines([quad] * len(units))  # noqa: E731
    with store.transaction() as generation:
        assert generation.sync_units("r.txt", "https://example.org/g", [unit], lines_of) == 1
    assert snapshot(store) == {quad}
    with store.transaction() as generation:
        assert generation.sync_units("r.txt", "https://example.org/g", [unit], lines_of) == 0  # the record believed
    assert snapshot(store) == {quad}


def test_inference_adds_only_what_no_graph_states_and_keeps_blank_nodes_as_they_are(tmp_path):
    rule = "CONSTRUCT { ?x a <urn:B> } WHERE { ?x a <urn:A> FILTER NOT EXISTS { ?x a <urn:B> } }"
    then = "CONSTRUCT { ?x a <urn:C> } WHERE { ?x a <urn:B> FILTER NOT EXISTS { ?x a <urn:C> } }"  # feeds on the first: a second pass
    store, data, inferred = ox.Store(str(tmp_path / "db")), ox.NamedNode("urn:data"), ox.NamedNode("urn:inferred")
    blank = ox.BlankNode()
    store.extend([ox.Quad(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(kind), data)
                  for node, kind in [(blank, "urn:A"), (ox.NamedNode("urn:n"), "urn:A"), (ox.NamedNode("urn:m"), "urn:A"), (ox.NamedNode("urn:m"), "urn:B")]])
    assert store_module._infer(store, [then, rule], inferred) == 5  # _:b B, n B, then _:b C, n C, m C
    held = {(str(quad.subject) if isinstance(quad.subject, ox.NamedNode) else "blank", quad.object.value)
            for quad in store.quads_for_pattern(None, None, None, inferred)}
    assert held == {("blank", "urn:B"), ("<urn:n>", "urn:B"), ("blank", "urn:C"), ("<urn:n>", "urn:C"), ("<urn:m>", "urn:C")}
    assert {quad.subject for quad in store.quads_for_pattern(None, None, None, inferred) if isinstance(quad.subject, ox.BlankNode)} == {blank}
    another = ox.Quad(ox.NamedNode("urn:q"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode("urn:A"), data)
    store.add(another)
    assert store_module._infer(store, [rule], inferred) == 6  # one more, and nothing stated twice
