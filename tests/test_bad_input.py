"""What the web hands an analyst: each bad input gets the behaviour the README's table promises."""

from __future__ import annotations

import codecs
import os
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest

from policykg.graph_builder import pipeline, reader
from policykg.graph_builder.reader import ReadError

NOTICE = "某市民政局关于印发《2025年养老服务工作要点》的通知\n一、加强养老服务。新增养老床位3000张。\n二、依据《养老机构管理办法》开展检查。\n"


def read_bytes(tmp_path: Path, data: bytes, name: str = "notice.txt") -> reader.Source:
    path = tmp_path / name
    path.write_bytes(data)
    return reader.read(path)


def test_gbk_and_big5_without_a_declaration_decode(tmp_path):
    assert read_bytes(tmp_path, NOTICE.encode("gbk"), "gbk.txt").text == NOTICE
    traditional = "臺北市政府社會局關於印發《長期照顧服務計畫》的通知\n一、擴大長照服務據點。\n"
    source = read_bytes(tmp_path, (traditional * 3).encode("big5"), "big5.txt")
    assert source.text == traditional * 3 and source.encoding.startswith("big5")


def test_utf16_with_a_byte_order_mark_decodes(tmp_path):
    for encoding in ("utf-16-le", "utf-16-be"):
        bom = b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff"
        assert read_bytes(tmp_path, bom + NOTICE.encode(encoding)).text == NOTICE


@pytest.mark.parametrize("cut", [1, 2])
def test_a_truncated_utf8_download_keeps_its_text_and_says_what_was_dropped(tmp_path, cut):
    data = NOTICE.rstrip("\n").encode("utf-8")
    source = read_bytes(tmp_path, data[:-cut])
    assert source.text == NOTICE.rstrip("\n")[:-1] and source.encoding == "utf-8"
    assert source.notes == (f"{tmp_path / 'notice.txt'}: ends in the middle of a UTF-8 character (a truncated download?); its last {3 - cut} byte(s) were dropped",)


def test_a_truncated_download_with_a_byte_order_mark_keeps_its_text(tmp_path):
    with_bom = codecs.BOM_UTF8 + NOTICE.rstrip("\n").encode("utf-8")
    assert read_bytes(tmp_path, with_bom[:-1]).text == NOTICE.rstrip("\n")[:-1]
    rare = NOTICE.rstrip("\n") + "𠀀"  # outside the BMP: a surrogate pair in UTF-16
    source = read_bytes(tmp_path, rare.encode("utf-16")[:-1])
    assert source.text == NOTICE.rstrip("\n") and source.notes[0].endswith("its last 3 byte(s) were dropped")


def test_html_scripts_and_styles_never_reach_the_text(tmp_path):
    page = ("<html><head><style>p{color:red}</style><script>var secret = '《偷偷的办法》';</script></head><body>"
            "<p>某市民政局关于印发《2025年养老服务工作要点》的通知</p><script>document.write('注入')</script>"
            "<p>一、加强养老服务。</p><noscript>请启用脚本</noscript></body></html>")
    source = read_bytes(tmp_path, page.encode("utf-8"), "page.html")
    assert source.format == "html" and "偷偷" not in source.text and "注入" not in source.text and "color" not in source.text
    assert "一、加强养老服务。" in source.text


def test_a_100_mb_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "dump.txt"
    with open(path, "wb") as output:
        output.write(NOTICE.encode("utf-8"))
        output.truncate(100 * 2**20)  # sparse: 100 MB on paper, nothing on disk
    with pytest.raises(ReadError) as caught:
        reader.read(path)
    assert str(caught.value) == f"{path}: 100.0 MB is more than a document may have (20 MB; see --max-size)"


def test_a_file_that_cannot_be_read_is_named_with_the_reason(tmp_path):
    unreadable = tmp_path / "locked.txt"
    unreadable.symlink_to("/proc/self/mem")  # a file even root cannot read from the start
    with pytest.raises(ReadError, match=r"locked\.txt: cannot read the file \(Input/output error\)$"):
        reader.read(unreadable)
    if os.geteuid() != 0:
        private = tmp_path / "private.txt"
        private.write_text(NOTICE, encoding="utf-8")
        private.chmod(0)
        with pytest.raises(ReadError, match=r"private\.txt: cannot read the file \(Permission denied\)$"):
            reader.read(private)
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "gone.txt")
    with pytest.raises(ReadError, match=r"dangling\.txt: no such file$"):
        reader.read(dangling)


def test_an_invalid_utf16_file_is_named_with_the_reason(tmp_path):
    with pytest.raises(ReadError, match=r"notice\.txt: not valid utf-16 despite its byte order mark"):
        read_bytes(tmp_path, b"\xff\xfe" + b"\x00\xd8\x41\x00" * 10)  # a lone high surrogate


@contextmanager
def at_most(seconds: int):
    """Fail instead of hanging: the rules must take time linear in the text, not quadratic."""
    def stop(*_):
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


PATHOLOGICAL = {
    "unbalanced 《": "关于印发《" * 30000,
    "unbalanced “": "推进“项目" * 30000,
    "《》 nested 5,000 deep": "落实" + "《" * 5000 + "办法" + "》" * 5000 + "。",
    "（ nested 5,000 deep": "推进" + "（" * 5000 + "养老" + "）" * 5000 + "。",
    "a run of bracketed numbers, then open brackets": "（一）" * 20000 + "（" * 20000,
    "a title of spaces before an open 〔": "第" * 20000 + "\u3000" * 20000 + "〔" * 20000,
    "one sentence of 1 MB": "市民政局会同市财政局推进养老服务" * 30000,
    "a header line of labels": "文号：发布机构：" * 20000,
    "100,000 lines of a sentence each": "新增养老床位100张。\n" * 100000,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_text_is_extracted_in_bounded_time(gazetteer, text):
    with at_most(20):
        result = pipeline.extract(reader.Source("p.txt", text, "utf-8", "text", "0" * 64), gazetteer)
    for records in result.found.values():
        for _, record in records:
            assert 0 <= record.span.start <= record.span.end <= len(text)


def test_unbalanced_marks_cite_nothing_that_is_not_closed(gazetteer):
    text = "某市民政局关于印发《2025年养老服务工作要点的通知\n一、依据《养老机构管理办法》和《未闭合的条例开展检查。\n"
    result = pipeline.extract(reader.Source("p.txt", text, "utf-8", "text", "0" * 64), gazetteer)
    assert [record.title for _, record in result.found["citations"]] == ["养老机构管理办法"]


def test_a_document_whose_text_is_too_large_for_one_statement_is_named_and_the_others_built(tmp_path, monkeypatch):
    from policykg import build as build_module
    from policykg.store import KnowledgeStore

    from support import SEED

    monkeypatch.setattr(build_module, "MAX_LINE_BYTES", 2**18)  # 0.25 MB (16 MB in truth: a test need not write that much)
    large = tmp_path / "large.txt"
    large.write_text("某市民政局关于加强养老服务的通知\n" + "新增养老床位100张。\n" * 12000, encoding="utf-8")
    store = KnowledgeStore(tmp_path / "kg")
    report = build_module.build([large, SEED], store, jobs=1)
    assert report.failed == [f"{large}: too large to store: its text is 0.3 MB as one N-Quads literal, and the store loads at most 0.25 MB a statement; split the file"]
    assert report.documents == [str(SEED)]


def test_a_file_whose_name_is_not_utf8_is_named_and_the_others_built(tmp_path):
    import os

    from policykg.build import build
    from policykg.store import KnowledgeStore

    from support import SEED

    odd = Path(os.fsdecode(bytes(tmp_path) + b"/\xff\xfe.txt"))  # a name from another system's encoding
    odd.write_text("某市民政局关于加强养老服务的通知\n新增养老床位100张。\n", encoding="utf-8")
    report = build([tmp_path, SEED], KnowledgeStore(tmp_path / "kg"))
    assert report.failed == [f"{tmp_path}/\\xff\\xfe.txt: the file name is not valid UTF-8; rename the file"]
    assert report.documents == [str(SEED)]
