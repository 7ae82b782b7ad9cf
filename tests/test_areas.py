"""Policy areas: a SKOS scheme from data/areas.tsv, assigned from headings first, then the sentence."""

from __future__ import annotations

import pytest

from policykg import queries, results
from policykg.graph_builder.areas import AreaScheme


@pytest.fixture(scope="module")
def scheme() -> AreaScheme:
    return AreaScheme.load()


def test_the_scheme_is_two_levels_of_known_concepts(scheme):
    assert len(scheme.areas) > 40
    for area in scheme.areas.values():
        assert area.zh and area.en and area.keywords
        assert area.broader == "" or scheme.areas[area.broader].broader == ""


@pytest.mark.parametrize(
    ("text", "area"),
    [("持续加强社会救助体系建设", "social-assistance"), ("新增养老床位3000张", "elderly-care"), ("完善医疗保障制度", None), ("深入推进法治政府建设", None)],
)
def test_the_longest_keyword_decides(scheme, text, area):
    found = scheme.match(text)
    assert (found[0] if found else None) == area or (area is None and found is not None and found[0] != "elderly-care")


def test_a_work_item_takes_the_area_of_its_nearest_heading(seed):
    by_text = {seed.sentences[index].text: record for index, record in seed.found["areas"]}
    assert (by_text["修改《上海市老年人权益保障条例》。"].area, by_text["修改《上海市老年人权益保障条例》。"].via) == ("elderly-care", "heading")
    assert by_text["牵头组织好元旦春节帮困送温暖工作。"].area == "social-assistance"
    assert all(not seed.sentences[index].is_heading for index, _ in seed.found["areas"])


def test_every_work_item_of_the_seed_has_one_area(seed):
    indices = [index for index, _ in seed.found["areas"]]
    assert len(indices) == len(set(indices)) == sum(not sentence.is_heading for sentence in seed.sentences)


def test_the_areas_query_counts_work_items_per_area(seed_store, seed):
    rows = results.run(seed_store, queries.load("areas")).rows
    assert sum(row["work_items"] for row in rows) == len(seed.found["areas"])
    assert {row["broader"] for row in rows if row["area"] == "养老服务"} == {"民政"}
