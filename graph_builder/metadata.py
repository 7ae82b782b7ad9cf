"""Read a document's header: title, issuer, 文号, 索取号, 公开类别 and dates.

Portals print the header as label–value pairs (``索取号: | 0024204128/2025-00014 |``,
``文　　号：成办发〔2022〕28号``); a notice's own text carries the 文号 on a line of its
own, the issuer before 关于/印发 in the title, and the signing date under the signature.
"""

from __future__ import annotations

import re

from policykg.graph_builder.records import DocumentMeta
from policykg.graph_builder.text import DATE_LINE, SPACE, iso_date, normalize_doc_number

_LABELS = {
    "index_number": "索取号|索引号",
    "issuer": "发布机构|发文机关|发文单位|发布单位|签发单位",
    "doc_number": "文件编号|发文字号|文号",
    "publicity": "公开类别|公开方式|公开属性",
    "date_issued": "成文日期|签发时间|签发日期|发文日期",
    "date_published": "发布日期|发布时间|公开日期",
    "date_effective": "生效时间|生效日期|施行日期|实施日期",
}
_GAP = f"[{SPACE}]*"


def _spaced(word: str) -> str:
    return _GAP.join(re.escape(char) for char in word)


_ANY_LABEL = "|".join(_spaced(word) for words in _LABELS.values() for word in words.split("|"))
_FIELD = re.compile(
    "(?:" + "|".join(f"(?P<{field}>{'|'.join(_spaced(w) for w in words.split('|'))})" for field, words in _LABELS.items()) + ")"
    + f"{_GAP}[:：]{_GAP}\\|?{_GAP}(?P<value>[^|\\n]*?){_GAP}(?=\\||\\n|$|{_ANY_LABEL})"
)
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*\d{1,4}\s*号")
_TITLE_DATE = re.compile(rf"{_GAP}[(（]{_GAP}(\d{{4}}-\d{{1,2}}-\d{{1,2}}){_GAP}[)）]{_GAP}$")
_ISSUER_IN_TITLE = re.compile(rf"^(?P<issuer>[\u4e00-\u9fff（）()、{SPACE}]{{2,60}}?)[{SPACE}]*(?:关于|印发|转发|发布)")
HEADER_LINES = 12  # labels farther down are part of the body, not the header
# a 政府工作报告 names its issuer on a line of its own and its date in a ——subtitle
_BODY_LINE = re.compile(r"^[\u4e00-\u9fff]{2,24}?(?:人民政府|人民政府办公厅|人民政府办公室|委员会|办公厅|办公室|局|厅|部)$")
_SUBTITLE = re.compile(r"^[—–\-－]{1,2}.*?(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")


def header_field(line: str) -> bool:
    """Tell whether a line is a label–value line of a portal header."""
    return bool(_FIELD.search(line)) and len(line) < 160


def _title_date(line: str) -> re.Match | None:
    """Find a (2025-01-27) at the end of a title line, looking only at its tail: searched from
    every space of a long run of them, the pattern would take time quadratic in the run."""
    return _TITLE_DATE.search(line, max(0, len(line) - 40))


def title_line(text: str) -> tuple[int, int, str]:
    """Return the span and text of the title: the first non-empty line, less a trailing (date)."""
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip(SPACE)
        if stripped:
            start = offset + line.index(stripped[0])
            dated = _title_date(stripped)
            title = (stripped[: dated.start()] if dated else stripped).strip(SPACE)
            return start, start + len(title), title
        offset += len(line) + 1
    return 0, 0, ""


def read_meta(text: str) -> DocumentMeta:
    """Return what the header of a document's text says about it."""
    _, _, title = title_line(text)
    fields: dict[str, str] = {}
    lines = text.split("\n")
    for line in lines[:HEADER_LINES]:
        if len(line) > 400:
            continue  # a paragraph, not a label–value line (and label lookaheads over it would be slow)
        for match in _FIELD.finditer(line):
            field = next(name for name in _LABELS if match.group(name))
            if match["value"] and field not in fields:
                fields[field] = match["value"].strip(SPACE + "|")
    first = next((line for line in lines if line.strip(SPACE)), "")
    dated = _title_date(first.strip(SPACE))
    if dated and "date_published" not in fields:
        fields["date_published"] = dated.group(1)
    if "doc_number" not in fields:
        for line in lines[1:HEADER_LINES]:
            stripped = line.strip(SPACE)
            number = DOC_NUMBER.fullmatch(stripped)
            if number:
                fields["doc_number"] = stripped
                break
    if "issuer" not in fields:
        issuer = _ISSUER_IN_TITLE.match(title)
        if issuer:
            fields["issuer"] = issuer["issuer"]
    if "issuer" not in fields:
        named = next((line.strip(SPACE) for line in lines[1:6] if _BODY_LINE.match(line.strip(SPACE))), "")
        if named:
            fields["issuer"] = named
    if "date_issued" not in fields:
        subtitle = next((match.group(1) for line in lines[1:4] if (match := _SUBTITLE.match(line.strip(SPACE)))), "")
        if subtitle:
            fields["date_issued"] = subtitle
    if "date_issued" not in fields:
        signature = next((line for line in lines[1:80] if DATE_LINE.match(line)), "")
        if signature:
            fields["date_issued"] = signature
    for date_field in ("date_issued", "date_published", "date_effective"):
        if date_field in fields:
            fields[date_field] = iso_date(fields[date_field])
    if "doc_number" in fields:
        fields["doc_number"] = normalize_doc_number(fields["doc_number"])
    return DocumentMeta(title=title, **fields)
