"""The agency gazetteer: canonical names, short forms, level and parent of government bodies.

Short forms such as 市民政局 or 市委 are relative: they mean the body of the jurisdiction
that issued the document. :meth:`Gazetteer.resolve` picks, among the bodies a form can
name, the one in the document's jurisdiction or the nearest jurisdiction above it.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

_RELATIVE = re.compile(r"^(?:市|省|区|县|旗|州|盟|自治区|团市委|各|局属|机关)")
# 北京市朝阳区 / 四川省成都市 / 内蒙古自治区包头市达尔罕茂明安联合旗: province, city and district of a name
_LEVELS = re.compile(
    r"^(?P<province>[\u4e00-\u9fff]{2,7}?(?:省|自治区))?(?P<city>[\u4e00-\u9fff]{2,6}?(?:市|自治州|盟|地区))?"
    r"(?P<district>[\u4e00-\u9fff]{2,3}?(?:新区|区|县|旗))?(?=[\u4e00-\u9fff])"
)
_GOVERNMENT = re.compile(r"^(?P<jurisdiction>.+?)(?:人民政府|人民政府办公厅|人民政府办公室)$")


class GazetteerError(ValueError):
    """A gazetteer file that cannot be used; the message names the file, line and problem."""


@dataclass(frozen=True)
class Body:
    canonical: str
    short_forms: tuple[str, ...]
    level: str
    parent: str


class Gazetteer:
    """Government bodies by name, with the jurisdiction each belongs to."""

    def __init__(self, bodies: list[Body], aliases: dict[str, str] | None = None):
        self.bodies = {body.canonical: body for body in bodies}
        self.aliases = aliases or {}  # department short forms of the genre: 人力社保局 → 人力资源和社会保障局

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Gazetteer":
        """Load a TSV gazetteer (canonical, short_forms, level, parent); the packaged one by default."""
        if path is None:
            handle = resources.files("policykg.data").joinpath("agencies.tsv").open(encoding="utf-8")
            name = "agencies.tsv"
        else:
            handle = open(path, encoding="utf-8")
            name = str(path)
        with handle:
            rows = list(csv.reader(handle, delimiter="\t"))
        if not rows or [cell.strip() for cell in rows[0][:4]] != ["canonical", "short_forms", "level", "parent"]:
            raise GazetteerError(f"{name}: the first line must be the header canonical, short_forms, level, parent")
        bodies = []
        for number, row in enumerate(rows[1:], 2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < 4:
                raise GazetteerError(f"{name}:{number}: expected 4 tab-separated columns, found {len(row)}")
            canonical, short, level, parent = (cell.strip() for cell in row[:4])
            forms = tuple(form.strip() for form in short.split("|") if form.strip() and form.strip() != canonical)
            bodies.append(Body(canonical, forms, level, parent))
        aliases_file = resources.files("policykg.data").joinpath("departments.tsv")
        with aliases_file.open(encoding="utf-8") as handle:
            aliases = {row[0].strip(): row[1].strip() for row in csv.reader(handle, delimiter="\t") if len(row) >= 2 and row[0] != "short"}
        return cls(bodies, aliases)

    @cached_property
    def digest(self) -> str:
        """A SHA-256 digest of the bodies and department aliases, in their order (which decides
        between bodies that claim the same short form)."""
        content = [[(body.canonical, body.short_forms, body.level, body.parent) for body in self.bodies.values()], list(self.aliases.items())]
        return hashlib.sha256(repr(content).encode("utf-8")).hexdigest()

    @cached_property
    def _jurisdictions(self) -> dict[str, str]:
        """Map each government's jurisdiction name (上海市, 上海市闵行区) to the government's canonical name."""
        found = {}
        for body in self.bodies.values():
            match = _GOVERNMENT.match(body.canonical)
            if match and body.canonical.endswith("人民政府") and body.level != "群体":
                found[match["jurisdiction"]] = body.canonical
        return found

    @cached_property
    def _longest_first(self) -> list[str]:
        return sorted(self._jurisdictions, key=len, reverse=True)

    @cached_property
    def _jurisdiction_of(self) -> dict[str, str]:
        return {}  # canonical name → jurisdiction, filled as bodies are asked about

    def jurisdiction_of(self, canonical: str) -> str:
        """Return the jurisdiction a body belongs to (上海市民政局 → 上海市), "" for national or generic bodies."""
        known = self._jurisdiction_of.get(canonical)
        if known is None:
            known = self._jurisdiction_of[canonical] = self._find_jurisdiction(canonical)
        return known

    def _find_jurisdiction(self, canonical: str) -> str:
        for name in self._longest_first:
            if name in canonical or name.removesuffix("市") in canonical.removeprefix("中共").removeprefix("共青团")[: len(name) + 4]:
                return name
        body = self.bodies.get(canonical)
        if body and body.parent and body.parent != canonical:
            return self.jurisdiction_of(body.parent)
        return ""

    def chain(self, jurisdiction: str) -> list[str]:
        """Return a jurisdiction and those above it, national ("") last: 包头市 → [包头市, 内蒙古自治区, ""].

        A jurisdiction the gazetteer does not list climbs by its name: 北京市朝阳区 → 北京市.
        """
        out, seen = [], set()
        while jurisdiction and jurisdiction not in seen:
            seen.add(jurisdiction)
            out.append(jurisdiction)
            government = self.bodies.get(self._jurisdictions.get(jurisdiction, ""))
            parent = _GOVERNMENT.match(government.parent) if government and government.parent else None
            if parent:
                jurisdiction = parent["jurisdiction"]
            else:
                levels = _LEVELS.match(jurisdiction)
                upper = [part for part in (levels["province"], levels["city"]) if part] if levels else []
                jurisdiction = "".join(upper) if upper and "".join(upper) != jurisdiction else ""
                if not jurisdiction and levels and levels["city"] and levels["province"]:
                    jurisdiction = levels["province"]
        out.append("")
        return out

    def jurisdiction_of_issuer(self, issuer: str) -> str:
        """Return the jurisdiction of a document's issuer, known to the gazetteer or not."""
        if issuer in self.bodies:
            return self.jurisdiction_of(issuer)
        levels = _LEVELS.match(issuer)
        known = next((name for name in self._longest_first if issuer.startswith(name)), "")
        if levels and len(levels.group(0)) > len(known):
            return levels.group(0)  # 上海市徐汇区民政局: the district, though only the city is listed
        if known:
            return known
        levels = _LEVELS.match(issuer)
        return levels.group(0) if levels else ""

    @cached_property
    def place_names(self) -> tuple[str, ...]:
        """Names of the known jurisdictions as titles write them: 上海市 and 上海, 上海市闵行区 and 闵行区, 闵行."""
        names = set()
        for jurisdiction in self._jurisdictions:
            local = jurisdiction.rsplit("市", 1)[1] if "市" in jurisdiction[:-1] else jurisdiction  # 上海市闵行区 → 闵行区
            stem = re.sub(r"(?:特别行政区|自治区|自治州|省|市|区|县|旗|盟)$", "", local)
            names.update(name for name in (jurisdiction, local, stem) if len(name) >= 2)
        return tuple(sorted(names, key=len, reverse=True))

    @cached_property
    def forms(self) -> dict[str, list[str]]:
        """Map every written form (canonical or short) to the canonical names it can stand for."""
        table: dict[str, list[str]] = {}
        for body in self.bodies.values():
            for form in (body.canonical, *body.short_forms):
                table.setdefault(form, []).append(body.canonical)
        return table

    @cached_property
    def pattern(self) -> re.Pattern:
        """A regex matching any written form, longest first."""
        names = sorted(self.forms, key=len, reverse=True)
        return re.compile("|".join(map(re.escape, names)))

    @cached_property
    def departments(self) -> dict[str, str]:
        """Map the department names the gazetteer knows (民政局, 发改委) to their full forms (发展和改革委员会).

        Taken from bodies named jurisdiction + department (上海市民政局, 成都市发展和改革委员会),
        so that 市民政局 can be resolved in a city the gazetteer does not list.
        """
        table: dict[str, str] = {}
        places = sorted(self._jurisdictions, key=len, reverse=True)
        for body in self.bodies.values():
            place = next((name for name in places if body.canonical.startswith(name)), None)
            if not place or body.level == "群体" or "人民政府" in body.canonical:
                continue
            department = body.canonical[len(place) :]
            if len(department) < 2:
                continue
            table.setdefault(department, department)
            for short in body.short_forms:
                for prefix in ("市", "省", "区", "县", place):
                    if short.startswith(prefix) and len(short) - len(prefix) >= 2:
                        table.setdefault(short[len(prefix) :], department)
        for short, full in self.aliases.items():
            table.setdefault(short, full)
        for department in list(table):  # provinces name their bureaus 厅: 民政局 → 民政厅
            if department.endswith("局") and len(department) > 2:
                table.setdefault(department[:-1] + "厅", table[department][:-1] + "厅")
        return table

    @cached_property
    def department_pattern(self) -> re.Pattern:
        """A regex for 市/省/区/县 + a known department: 市财政局, 省民政厅."""
        names = sorted(self.departments, key=len, reverse=True)
        return re.compile("(?P<level>市|省|区|县)(?P<department>" + "|".join(map(re.escape, names)) + ")")

    def resolve_department(self, level: str, department: str, jurisdiction: str) -> str | None:
        """Return the canonical name of a department of the issuer's city, province or district."""
        ends = {"市": ("市",), "省": ("省", "自治区"), "区": ("区",), "县": ("县", "旗")}[level]
        place = next((name for name in self.chain(jurisdiction) if name.endswith(ends)), None)
        if not place:
            return None
        full = self.departments[department]
        if level == "省" and full.endswith("局") and not full.startswith("人民政府"):
            full = full[:-1] + "厅"
        return place + full

    def resolve_district(self, district: str, jurisdiction: str) -> str | None:
        """Return the government of a district or county of the issuer's city: 徐汇区政府 → 上海市徐汇区人民政府."""
        city = next((name for name in self.chain(jurisdiction) if name.endswith("市") and name.count("市") == 1), None)
        return f"{city}{district}人民政府" if city else None

    def resolve(self, form: str, jurisdiction: str) -> str | None:
        """Return the canonical name a written form means in a document of ``jurisdiction``, or None."""
        candidates = self.forms.get(form, [])
        if form in self.bodies:
            return form
        if len(candidates) == 1 and not _RELATIVE.match(form):
            return candidates[0]
        for place in self.chain(jurisdiction):
            local = [name for name in candidates if self.jurisdiction_of(name) == place]
            if len(local) == 1:
                return local[0]
        return None
