"""Shared fixtures: the example documents, their extractions, and stores built from them."""

from __future__ import annotations

import pytest

from policykg.build import build
from policykg.graph_builder import pipeline, reader
from policykg.graph_builder.gazetteer import Gazetteer
from policykg.store import KnowledgeStore

import shutil
import sys
from pathlib import Path

from support import BAOTOU, CHENGDU, DOCUMENTS, SEED


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return reader.read(SEED).text


@pytest.fixture(scope="session")
def seed(gazetteer) -> pipeline.Extraction:
    return pipeline.extract(reader.read(SEED), gazetteer)


@pytest.fixture(scope="session")
def extractions(gazetteer) -> dict[str, pipeline.Extraction]:
    return {path.stem.split("-")[0]: pipeline.extract(reader.read(path), gazetteer) for path in (SEED, CHENGDU, BAOTOU)}


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory) -> KnowledgeStore:
    store = KnowledgeStore(tmp_path_factory.mktemp("seed") / "kg")
    build([SEED], store)
    return store


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory) -> KnowledgeStore:
    store = KnowledgeStore(tmp_path_factory.mktemp("corpus") / "kg")
    build([DOCUMENTS], store)
    return store


# -- a headless Chromium for page tests, and a real server for it to open -------------------

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("Debian's chromium is not installed: apt-get install chromium fonts-noto-cjk (.ci/run does this)")
    return path


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def live_server(seed_store):
    """Start `policykg serve` on a free loopback port for the seed store; yield its base URL."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from load import serve

    with serve(seed_store.path, workers=1, time_limit=10.0) as base:
        yield base
