"""Policy areas (领域): a SKOS concept scheme read from ``data/areas.tsv``, and the area of a work item.

A work item takes the area named by the nearest section heading above it (一、着力推进…养老服务…);
where no heading names one, the sentence's own words decide, and then the title of the
document it stands in. Words inside 《》 titles never decide. Within a text the longest
keyword found wins, so 医疗保障 beats 医疗 and a narrower concept beats its broader one.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class Area:
    id: str
    broader: str
    zh: str
    en: str
    keywords: tuple[str, ...]


class AreaScheme:
    """The concepts of the scheme and a matcher over their keywords."""

    def __init__(self, areas: list[Area]):
        self.areas = {area.id: area for area in areas}

    @classmethod
    def load(cls, path: str | Path | None = None) -> "AreaScheme":
        """Load a TSV scheme (id, broader, zh, en, keywords); the packaged one by default."""
        source = resources.files("policykg.data").joinpath("areas.tsv") if path is None else Path(path)
        with source.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        return cls([
            Area(row["id"].strip(), (row["broader"] or "").strip(), row["zh"].strip(), row["en"].strip(),
                 tuple(word for word in (row["keywords"] or "").split("|") if word))
            for row in rows if row.get("id")
        ])

    @cached_property
    def _keyword_area(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for area in self.areas.values():
            for word in area.keywords:  # a narrower concept keeps a word it shares with its broader one
                if word not in table or self.areas[table[word]].broader == "":
                    table[word] = area.id
        return table

    @cached_property
    def _pattern(self) -> re.Pattern:
        return re.compile("|".join(map(re.escape, sorted(self._keyword_area, key=len, reverse=True))))

    def match(self, text: str) -> tuple[str, str] | None:
        """Return (area id, keyword) for the longest keyword in text outside 《》 titles, or None."""
        text = re.sub(r"《[^《》]*》", "", text)  # 按照《…服务业发展资金管理办法》 says nothing of the item's area
        found = [match.group() for match in self._pattern.finditer(text)]
        if not found:
            return None
        keyword = max(found, key=len)
        return self._keyword_area[keyword], keyword
