"""Read a document file into text: decode whatever encoding it is in, reduce HTML to text.

The text returned is what every offset in the graph indexes into. Decoding strips a byte
order mark and turns ``\\r\\n`` and ``\\r`` into ``\\n``; nothing else is changed.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from policykg.graph_builder import html_text

TEXT_SUFFIXES = {".txt", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
READABLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
MAX_BYTES = 20 * 2**20  # the genre's longest documents (a 政府工作报告 with annexes) are well under 1 MB

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# what portals also publish, and what to do about it
_FORMATS = (
    (b"%PDF-", "a PDF file; policykg reads text and HTML: convert it first (e.g. pdftotext -enc UTF-8)"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx or .zip); policykg reads text and HTML: save the document as text first"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Word or Excel 97–2003 file; policykg reads text and HTML: save the document as text first"),
    (b"{\\rtf", "an RTF file; policykg reads text and HTML: save the document as text first"),
)
# GBK and GB2312 are subsets of GB18030: decoding with the superset never loses a character.
_WIDEN = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "big5": "big5hkscs"}


class ReadError(ValueError):
    """A file that cannot be read as a document; the message names the file and the problem."""


@dataclass(frozen=True)
class Source:
    """A document's text and where it came from."""

    path: str
    text: str
    encoding: str
    format: str  # "text" or "html"
    sha256: str
    html_title: str = ""
    html_meta: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()  # what was done to read it that a user should know (bytes dropped …)


def decode(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode document bytes, returning ``(text, encoding)``; raise ReadError if they are not text."""
    text, encoding, _ = _decode(data, name)
    return text, encoding


def _decode(data: bytes, name: str) -> tuple[str, str, tuple[str, ...]]:
    """Decode as :func:`decode` does, and also say what a user should know about it."""
    if not data.strip():
        raise ReadError(f"{name}: the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _clean(data.decode(encoding)), encoding.replace("-sig", ""), ()
            except UnicodeDecodeError as error:
                decoded = error.object  # what the codec was decoding: after the BOM, for utf-8-sig
                if error.reason in ("truncated data", "unexpected end of data") and error.end == len(decoded) and len(decoded) - error.start <= 3:
                    note = f"{name}: ends in the middle of a {encoding.replace('-sig', '')} character (a truncated download?); its last {len(decoded) - error.start} byte(s) were dropped"
                    return _clean(decoded[: error.start].decode(encoding)), encoding.replace("-sig", ""), (note,)
                raise ReadError(f"{name}: not valid {encoding} despite its byte order mark ({error.reason} at byte {error.start})") from None
    for magic, what in _FORMATS:
        if data.startswith(magic):
            raise ReadError(f"{name}: {what}")
    if b"\x00" in data[:4096]:
        raise ReadError(f"{name}: binary data, not a text document")
    try:
        return _clean(data.decode("utf-8")), "utf-8", ()
    except UnicodeDecodeError as error:
        if _cut_short(data, error):  # a truncated download: all UTF-8 but its last, unfinished character
            note = f"{name}: ends in the middle of a UTF-8 character (a truncated download?); its last {len(data) - error.start} byte(s) were dropped"
            return _clean(data[: error.start].decode("utf-8")), "utf-8", (note,)
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise ReadError(f"{name}: cannot determine the text encoding (not UTF-8, GB18030, Big5 or another known encoding)")
    encoding = _WIDEN.get(best.encoding, best.encoding)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = str(best)
        encoding = best.encoding
    if _control_ratio(text) > 0.05:
        raise ReadError(f"{name}: binary data, not a text document")
    return _clean(text), encoding, ()


def _cut_short(data: bytes, error: UnicodeDecodeError) -> bool:
    """Tell whether UTF-8 bytes are valid but for a character cut off at the very end."""
    if error.end != len(data) or error.reason != "unexpected end of data" or len(data) - error.start > 3:
        return False
    try:
        data[: error.start].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _clean(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _control_ratio(text: str) -> float:
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\n\r\t\f")
    return controls / max(len(text), 1)


def looks_like_html(text: str) -> bool:
    """Tell whether decoded text is an HTML page rather than plain text."""
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head or "<head" in head


def read(path: str | Path, max_bytes: int = MAX_BYTES) -> Source:
    """Read a .txt or .html file into a Source; raise ReadError naming the file and the problem."""
    path = Path(path)
    name = str(path)
    try:
        if path.is_dir():
            raise ReadError(f"{name}: is a folder, not a document")
        if not path.is_file() and path.exists():
            raise ReadError(f"{name}: not a regular file")
        size = path.stat().st_size
        if size > max_bytes:
            raise ReadError(f"{name}: {size / 2**20:.1f} MB is more than a document may have ({max_bytes / 2**20:g} MB; see --max-size)")
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise ReadError(f"{name}: no such file") from None
    except OSError as error:
        raise ReadError(f"{name}: cannot read the file ({error.strerror or error})") from None
    if len(data) > max_bytes:
        raise ReadError(f"{name}: more than a document may have ({max_bytes / 2**20:g} MB; see --max-size)")
    text, encoding, notes = _decode(data, name)
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() in HTML_SUFFIXES or looks_like_html(text):
        page = html_text.page_text(text)
        if not page.text.strip():
            raise ReadError(f"{name}: the HTML page holds no text")
        return Source(name, page.text, encoding, "html", digest, page.title, page.meta, notes)
    return Source(name, text, encoding, "text", digest, notes=notes)
