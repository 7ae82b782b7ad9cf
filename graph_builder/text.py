"""Small text helpers shared by the extractors: normal forms, numerals, dates."""

from __future__ import annotations

import re
import unicodedata

SPACE = " \t\u3000\u00a0"
_DASHES = re.compile(r"[‐‑‒–—―－~～]+|-{1,2}")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def normalize_title(title: str) -> str:
    """Return the comparison form of a title: full-width folded, spaces dropped, one dash, () brackets.

    >>> normalize_title("上海市 推进行动方案（2024–2027年）")
    '上海市推进行动方案(2024—2027年)'
    """
    folded = unicodedata.normalize("NFKC", title)
    folded = re.sub(r"\s+", "", folded)
    folded = _DASHES.sub("—", folded)
    folded = folded.replace("〔", "[").replace("〕", "]").replace("【", "[").replace("】", "]")
    folded = folded.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    return folded.strip("《》")


def normalize_doc_number(number: str) -> str:
    """Return a 文号 in its usual form: 〔year〕 brackets, no spaces (沪民办发[2025]2 号 → 沪民办发〔2025〕2号)."""
    number = re.sub(r"[\s\u3000]+", "", number)
    return re.sub(r"[\[［（(〔【](\d{4})[\]］）)〕】]", r"〔\1〕", number)


def chinese_numeral(text: str) -> int | None:
    """Return the value of a Chinese numeral up to the thousands (二十八 → 28), None if it is not one."""
    if not text or any(char not in _CN_DIGITS and char not in _CN_UNITS for char in text):
        return None
    total, digit = 0, None
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[char]
            digit = None
    return total + (digit or 0)


_DATE = re.compile(r"(?P<y>\d{4})\s*(?:年|-|/|\.)\s*(?P<m>\d{1,2})\s*(?:月|-|/|\.)\s*(?P<d>\d{1,2})\s*日?")


def iso_date(text: str) -> str:
    """Return the first date in text as YYYY-MM-DD (2025年1月22日, 2022-05-19), or "" when there is none."""
    match = _DATE.search(text)
    if not match:
        return ""
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


DATE_LINE = re.compile(r"^[\s\u3000]*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[\s\u3000]*$")
