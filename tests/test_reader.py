"""Reading files: encodings, HTML pages, and clear errors for what is not a document."""

from __future__ import annotations

import codecs

import pytest

from policykg.graph_builder import reader

from support import CHENGDU, CHENGDU_PAGE, SEED

SAMPLE = "上海市民政局关于印发《2025年上海民政工作要点》的通知\n一、加强养老服务。\n"


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8"),
        (SAMPLE.encode("utf-16"), "utf-16"),
        ((SAMPLE * 20).encode("gb18030"), "gb18030"),
        ((SAMPLE * 20).encode("gbk"), "gb18030"),
    ],
)
def test_text_decodes_whatever_its_encoding(tmp_path, encoded, encoding):
    path = tmp_path / "notice.txt"
    path.write_bytes(encoded)
    source = reader.read(path)
    assert source.text.startswith("上海市民政局关于印发") and source.encoding == encoding and "\ufeff" not in source.text


def test_windows_line_ends_become_newlines(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(SAMPLE.replace("\n", "\r\n").encode("utf-8"))
    assert reader.read(path).text == SAMPLE


def test_text_is_kept_character_for_character(seed_text):
    assert seed_text == SEED.read_text(encoding="utf-8")


def test_an_html_page_is_reduced_to_its_article():
    page = reader.read(CHENGDU_PAGE)
    assert page.format == "html" and page.html_title == "成都市人民政府办公厅印发关于加快推进养老服务发展若干措施的通知"
    lines = page.text.splitlines()
    assert lines[0] == page.html_title
    assert "（一）织密城市社区服务网络。" in page.text and "首页" not in page.text and "jquery" not in page.text
    # the article holds the same sentences as the published text
    text_lines = {line.strip("　 ") for line in CHENGDU.read_text(encoding="utf-8").splitlines() if "。" in line}
    assert text_lines <= {line.strip("　 ") for line in lines}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data, not a text document"),
        (b"<html><body><script>var a = 1;</script></body></html>", "the HTML page holds no text"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF file; policykg reads text and HTML: convert it first (e.g. pdftotext -enc UTF-8)"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "a ZIP archive (a .docx, .xlsx or .zip); policykg reads text and HTML: save the document as text first"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "a Word or Excel 97–2003 file; policykg reads text and HTML: save the document as text first"),
    ],
)
def test_what_is_not_a_document_gets_a_one_line_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "bad.html"
    path.write_bytes(content)
    with pytest.raises(reader.ReadError) as caught:
        reader.read(path)
    assert str(caught.value) == f"{path}: {message}"


def test_a_missing_file_and_a_folder_are_named(tmp_path):
    with pytest.raises(reader.ReadError, match=r"nowhere\.txt: no such file$"):
        reader.read(tmp_path / "nowhere.txt")
    with pytest.raises(reader.ReadError, match="is a folder, not a document$"):
        reader.read(tmp_path)


PORTAL_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>某省人民政府办公厅关于印发某某实施方案的通知_政府信息公开_某省人民政府门户网站</title>
<script src="/js/jquery.js"></script><style>p { color: red }</style></head><body>
<div class="top-nav"><a href="/">首页</a>。<a href="/zc">政策</a>。<a href="/hd">互动</a>。</div>
<div class="info-header"><table>
<tr><td><b>索 引 号：</b></td><td>11500000/2024-00031</td><td><b>发文机关：</b></td><td>某省人民政府办公厅</td></tr>
<tr><td><b>发文字号：</b></td><td>某府办发〔2024〕31号</td><td><b>成文日期：</b></td><td>2024年06月03日</td></tr>
</table></div>
<div class="article-content"><p>某省人民政府办公厅关于印发某某实施方案的通知</p>
<p>各市（州）人民政府：</p><p>《某某实施方案》已经省政府同意，现印发给你们，请认真贯彻执行。</p>
<p>某某实施方案</p><p><strong>一、总体要求</strong></p><p>到2027年，护理型床位占比提高到60%以上。</p></div>
<div class="footer">版权所有：某省人民政府办公厅。主办单位：某省人民政府办公厅。备案号。</div>
</body></html>"""


def test_a_portal_page_of_another_template_keeps_its_metadata_and_drops_its_chrome(tmp_path):
    from policykg.graph_builder import metadata

    path = tmp_path / "page.html"
    path.write_text(PORTAL_PAGE, encoding="utf-8")
    page = reader.read(path)
    assert page.html_title == "某省人民政府办公厅关于印发某某实施方案的通知"
    assert page.text.splitlines()[0] == page.html_title
    assert "首页" not in page.text and "版权所有" not in page.text and "color" not in page.text
    meta = metadata.read_meta(page.text)
    assert (meta.issuer, meta.doc_number, meta.index_number, meta.date_issued) == ("某省人民政府办公厅", "某府办发〔2024〕31号", "11500000/2024-00031", "2024-06-03")
    assert "到2027年，护理型床位占比提高到60%以上。" in page.text.splitlines()
