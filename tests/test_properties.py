"""Properties on any input: no crash, every span inside the text and quoting it, determinism."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykg.graph_builder import pipeline, reader
from policykg.graph_builder.reader import ReadError, Source

# Text made of the genre's own pieces, so that the extractors' rules actually fire.
PIECES = st.sampled_from([
    "《", "》", "〈", "〉", "“", "”", '"', "（", "）", "(", ")", "［", "］", "一、", "（二）", "三是", "4．", "附件", "附件：",
    "。", "，", "；", "、", "\n", "\r\n", "　", " ", "修订", "出台", "制定", "落实", "按照", "会同", "配合", "市民政局",
    "民政部", "牵头考核单位：", "负责", "新增", "30", "家", "1.5", "万", "亿元", "%", "达到", "以上", "到2025年", "第", "届",
    "上海市民政局关于印发", "的通知", "工作要点", "工作总结", "办法", "条例", "项目", "计划", "行动", "发布机构:", "文号：",
    "沪民办发〔2025〕2号", "2025年1月22日", "<p>", "</p>", "<script>", "&amp;", "养老服务", "社会救助", "本市", "GB/T 1—2020",
    "电影", "一网通办", "实施", "专项行动", "工程", "由", "印发的", "万亿", "其中", "=",
])
GENRE_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=120).map("".join)
ANY_TEXT = st.one_of(GENRE_TEXT, st.text(max_size=400))


def extract(text: str, gazetteer) -> pipeline.Extraction:
    return pipeline.extract(Source("prop.txt", text, "utf-8", "text", "0" * 64), gazetteer)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT)
def test_extraction_never_crashes_and_every_span_quotes_the_text(gazetteer, text):
    result = extract(text, gazetteer)
    for part in result.parts:
        assert 0 <= part.span.start <= part.span.end <= len(text)
    for section in result.sections:
        assert 0 <= section.span.start <= section.span.end <= len(text)
    for sentence in result.sentences:
        assert text[sentence.span.start : sentence.span.end] == sentence.text
    for name, records in result.found.items():
        for index, record in records:
            sentence = result.sentences[index].span
            if name == "areas":  # decided by the sentence or by a heading above it
                assert 0 <= record.span.start <= record.span.end <= len(text) and record.keyword in text[record.span.start : record.span.end]
                continue
            assert sentence.start <= record.span.start <= record.span.end <= sentence.end
            if hasattr(record, "quote"):
                assert text[record.span.start : record.span.end] == record.quote
            if hasattr(record, "title"):
                assert text[record.span.start : record.span.end] == f"《{record.title}》"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=GENRE_TEXT)
def test_extraction_is_deterministic(gazetteer, text):
    first, second = extract(text, gazetteer), extract(text, gazetteer)
    assert (first.parts, first.sections, first.sentences, first.found) == (second.parts, second.sections, second.sentences, second.found)


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(st.binary(max_size=300), GENRE_TEXT.map(lambda text: text.encode("gb18030", errors="ignore"))))
def test_decoding_any_bytes_gives_text_or_a_read_error(data):
    try:
        text, encoding = reader.decode(data, "bytes.txt")
    except ReadError as error:
        assert str(error).startswith("bytes.txt: ")
    else:
        assert "\r" not in text and not text.startswith("\ufeff") and encoding


@settings(max_examples=150, deadline=None)
@given(markup=st.lists(st.one_of(PIECES, st.sampled_from(["<div>", "</div>", "<br/>", "<style>", "</style>", "</script>", "<h1>", "</h1>", "<meta name='ArticleTitle' content='标题'>"])), max_size=80).map("".join))
def test_any_html_reduces_to_text_it_holds_without_its_tags(markup):
    import html

    page = reader.html_text.page_text(markup)
    assert "<div>" not in page.text and "<br/>" not in page.text and "<h1>" not in page.text
    # nothing is invented: every character shown comes from the page (or the separators and labels added)
    assert set(page.text) <= set(html.unescape(markup)) | set("\n |：发布时间")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=600), ANY_TEXT.map(lambda text: text.encode("utf-8")), GENRE_TEXT.map(lambda text: text.encode("utf-16"))),
       suffix=st.sampled_from([".txt", ".html"]), cut=st.integers(min_value=0, max_value=3))
def test_reading_any_file_gives_a_source_or_a_read_error_and_the_same_each_time(tmp_path, data, suffix, cut):
    path = tmp_path / f"any{suffix}"
    path.write_bytes(data[: len(data) - cut])
    try:
        first = reader.read(path)
    except ReadError as error:
        assert str(error).startswith(f"{path}: ") and "\n" not in str(error)
        with pytest.raises(ReadError):
            reader.read(path)
    else:
        assert first == reader.read(path) and "\r" not in first.text and first.format in ("text", "html")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=ANY_TEXT, sentence=ANY_TEXT, after=ANY_TEXT, kind=st.sampled_from(["target", "actual", ""]),
       year=st.one_of(st.none(), st.integers(min_value=1949, max_value=2100)), done=st.booleans())
def test_each_extractor_alone_keeps_its_spans_in_any_sentence_and_repeats_itself(gazetteer, before, sentence, after, kind, year, done):
    from policykg.graph_builder.extractors import agencies, citations, indicators, programs
    from policykg.graph_builder.records import Sentence, Span

    text = before + sentence + after
    unit = Sentence(Span("prop", len(before), len(before) + len(sentence)), 0, (), 0, sentence)
    runs = {
        "citations": lambda: list(citations.extract(unit, text, done)),
        "agencies": lambda: list(agencies.extract(unit, text, gazetteer, "上海市")),
        "programs": lambda: list(programs.extract(unit, text)),
        "indicators": lambda: list(indicators.extract(unit, text, kind, year)),
    }
    for name, run in runs.items():
        records = run()
        assert records == run(), name  # deterministic
        for record in records:
            assert unit.span.start <= record.span.start <= record.span.end <= unit.span.end, (name, record)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT)
def test_the_n_quads_written_for_any_text_parse_back_to_the_statements_written(gazetteer, text):
    import pyoxigraph as ox

    from policykg.graph_builder import triples

    written = triples.quads(extract(text, gazetteer))
    parsed = list(ox.parse("".join(written.lines), format=ox.RdfFormat.N_QUADS))
    assert len(parsed) == len(written.lines) == len(set(written.lines))  # one quad a line, each once
    assert triples.statements(parsed) == list(dict.fromkeys(written.statements))
    assert {quad.graph_name.value for quad in parsed} == {triples.graph_iri(extract(text, gazetteer)).value}
    assert text in {quad.object.value for quad in parsed if quad.predicate.value.endswith("#text")} or not text
