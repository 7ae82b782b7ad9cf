"""Shared fixtures: the example documents, their extractions, and stores built from them."""

from __future__ import annotations

import pytest

from policykg.build import build
from policykg.graph_builder import pipeline, reader
from policykg.graph_builder.gazetteer import Gazetteer
from policykg.store import KnowledgeStore

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
