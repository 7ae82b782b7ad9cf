"""Extraction against every hand-written golden file, through the scorer behind `make eval`."""

from __future__ import annotations

import pytest

from policykg.evaluate import evaluate, same_measure

from support import BAOTOU, CHENGDU, GOLDEN, SEED


@pytest.fixture(scope="module")
def scores():
    found = evaluate({"seed": SEED, "chengdu": CHENGDU, "baotou": BAOTOU}, GOLDEN)
    return {(score.document, score.kind): score for score in found}


def test_every_document_has_a_golden_file_of_every_record_type(scores):
    assert set(scores) == {(document, kind) for document in ("seed", "chengdu", "baotou") for kind in ("citations", "agencies", "programs", "indicators")}


def test_the_seed_meets_the_bar_analysts_need(scores):
    assert scores["seed", "citations"].recall >= 0.95  # every 《》 found with the right relation
    assert scores["seed", "agencies"].recall >= 0.95 and scores["seed", "agencies"].precision >= 0.95  # name and role
    indicators = scores["seed", "indicators"]
    assert indicators.recall >= 0.90 and indicators.precision >= 0.90 and indicators.spurious <= 0.05


@pytest.mark.parametrize(
    ("document", "kind", "floor"),
    [("chengdu", "agencies", 0.95), ("baotou", "agencies", 0.95), ("chengdu", "indicators", 0.8), ("baotou", "programs", 0.85), ("seed", "programs", 0.9)],
)
def test_the_other_documents_do_not_fall_back(scores, document, kind, floor):
    assert min(scores[document, kind].precision, scores[document, kind].recall) >= floor


@pytest.mark.parametrize(
    ("expected", "found", "same"),
    [
        ("养老床位", "养老床位", True),
        ("中级及以上技能等级养老护理员", "中级以上技能等级养老护理员", True),
        ("用户", "为老服务“一键通”项目用户", True),
        ("资金", "老年综合津贴", False),
        ("劳动模范", "个人", False),
        ("街镇", "", False),
    ],
)
def test_two_measures_agree_when_they_name_the_same_thing(expected, found, same):
    assert same_measure(expected, found) is same
