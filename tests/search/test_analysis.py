"""Text analysis: what the public types (words, two characters, pinyin, initials, typos,
colloquial names, hostile input) must meet the tokens indexed for a service item."""

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from search.analysis import TOKEN_FIELDS, AnalysedQuery, Analyzer
from search.analysis.pinyin import fuzzy
from search.documents import SearchDocument


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def doc(name: str, **kw: object) -> SearchDocument:
    return SearchDocument(id="1", code="c", catalog_code="cc", name=name, **kw)  # type: ignore[arg-type]


def tokens(analyzer: Analyzer, document: SearchDocument, field: str) -> set[str]:
    return set(analyzer.document(document).fields[field].split())


def pinyin_hit(analyzer: Analyzer, query: str, name: str, aliases: tuple[str, ...] = ()) -> bool:
    """Whether the query meets the name's pinyin field the way a backend matches it."""
    keys = tokens(analyzer, doc(name, aliases=aliases), "pinyin")
    q = analyzer.query(query)
    return bool(keys & set(q.terms)) or any(k.startswith(p) for k in keys for p in q.prefixes)


def test_document_has_exactly_the_token_fields(analyzer: Analyzer) -> None:
    d = doc(
        "不动产登记",
        aliases=("房产证办理",),
        conditions="申请人持有效身份证件",
        materials=("不动产权证书", "A4 申请表"),
        guide="到不动产登记中心办理。电话0531-12345678",
    )
    analysed = analyzer.document(d)
    assert tuple(analysed.fields) == TOKEN_FIELDS
    for value in analysed.fields.values():
        assert value == value.strip() and "  " not in value and '"' not in value
        assert value == value.lower()
    assert {"0531", "12345678"} <= set(analysed.fields["rest"].split())
    assert "a4" in analysed.fields["body"].split()
    assert "房产证" in analysed.fields["aliases"].split()


@pytest.mark.parametrize("query", ["登记", "动产", "产登", "不动产", "证"])
def test_short_queries_match_name_tokens(analyzer: Analyzer, query: str) -> None:
    names = tokens(analyzer, doc("不动产登记证明"), "name")
    terms = analyzer.query(query).terms
    assert terms and set(terms) <= names


def test_long_text_gets_bigrams_and_characters(analyzer: Analyzer) -> None:
    rest = tokens(analyzer, doc("x", guide="窗口现场办理，当场办结"), "rest")
    assert {"窗口", "现场", "当场", "办结", "场", "理"} <= rest
    assert "理当" not in rest  # bigrams never cross punctuation


def test_pinyin_keys_of_a_name(analyzer: Analyzer) -> None:
    keys = tokens(analyzer, doc("不动产登记"), "pinyin")
    assert {"budoncandenji", "denji", "bdcdj", "dj"} <= keys


def test_fuzzy_rules() -> None:
    assert fuzzy("budongchandengji") == "budoncandenji"
    assert fuzzy("zhongshan") == fuzzy("zongsan") == "zonsan"
    assert fuzzy("bdcdj") == "bdcdj"
    # a half-typed query stays a prefix of the key
    full = "shehuibaozhangka"
    for i in range(1, len(full)):
        assert fuzzy(full).startswith(fuzzy(full[:i]))


def test_initials_query_meets_the_pinyin_field(analyzer: Analyzer) -> None:
    keys = tokens(analyzer, doc("不动产登记"), "pinyin")
    q = analyzer.query("bdcdj")
    assert "bdcdj" in q.terms and "bdcdj" in keys


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("budongchan", "不动产转移登记"),
        ("budongcan", "不动产转移登记"),  # typo: ch → c
        ("budongchandenji", "不动产登记"),  # typo: eng → en
        ("gongjijin", "住房公积金提取"),
        ("gjj", "住房公积金提取"),
        ("dengji", "不动产登记"),
        ("shenfenzheng", "居民身份证换领"),  # a word inside the first jieba word
        ("sfz", "居民身份证换领"),
        ("ypjyxkz", "药品经营许可证（零售）核发"),
        ("BuDongChan", "不动产登记"),
    ],
)
def test_pinyin_queries(analyzer: Analyzer, query: str, name: str) -> None:
    assert pinyin_hit(analyzer, query, name)


def test_pinyin_of_aliases(analyzer: Analyzer) -> None:
    assert pinyin_hit(analyzer, "yingyezhizhao", "企业设立登记", aliases=("办营业执照",))
    assert not pinyin_hit(analyzer, "yingyezhizhao", "企业设立登记")


def test_full_width_and_traditional_normalise(analyzer: Analyzer) -> None:
    assert analyzer.query("ＢＤＣＤＪ") == analyzer.query("bdcdj")
    traditional = analyzer.query("不動產登記")
    assert traditional.text == "不动产登记"
    assert traditional.terms == analyzer.query("不动产登记").terms
    assert "不动产" in traditional.terms


@pytest.mark.parametrize(
    ("query", "expected"),
    [("开公司", {"企业", "开办"}), ("生孩子", {"出生", "生育"}), ("办身份证", {"身份证"})],
)
def test_synonyms_expand(analyzer: Analyzer, query: str, expected: set[str]) -> None:
    q = analyzer.query(query)
    assert expected <= set(q.terms)


def test_synonym_targets_are_marked(analyzer: Analyzer) -> None:
    q = analyzer.query("我想开公司")
    assert "企业开办" in q.marks
    assert list(q.marks) == sorted(q.marks, key=len, reverse=True)
    assert analyzer.highlight("企业开办一件事", q) == "<em>企业开办</em>一件事"


def test_longer_colloquial_key_wins(analyzer: Analyzer) -> None:
    terms = set(analyzer.query("二手车过户").terms)
    assert "机动车" in terms and "不动产" not in terms


def test_dictionary_size(analyzer: Analyzer) -> None:
    assert analyzer.synonym_count >= 220


def test_prefix(analyzer: Analyzer) -> None:
    p = analyzer.prefix("Bu Dong")
    assert p.terms == () and p.prefixes[:2] == ("budong", "budon")
    assert "企业开办" in analyzer.prefix("开公").prefixes
    assert analyzer.prefix("  ").empty


def test_suggest_keys(analyzer: Analyzer) -> None:
    keys = analyzer.document(doc("不动产登记", aliases=("房产证",))).suggest_keys
    assert {"不动产登记", "登记", "budoncandenji", "bdcdj", "房产证", "fcz"} <= set(keys)
    assert len(keys) == len(set(keys))
    prefix = analyzer.prefix("budongc").prefixes
    assert any(k.startswith(p) for k in keys for p in prefix)


def write(path: Path, text: str, bump: int) -> None:
    path.write_text(text, encoding="utf-8")
    stamp = time.time() + bump
    os.utime(path, (stamp, stamp))


def test_reload_picks_up_edits_and_keeps_the_old_dictionary_on_errors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "synonyms.yaml"
    write(path, "开公司: [企业开办]\n", 0)
    analyzer = Analyzer(path)
    assert analyzer.synonym_count == 1
    assert "人脸识别" not in analyzer.query("刷脸").marks
    assert analyzer.reload() is False  # unchanged

    write(path, "开公司: [企业开办]\n刷脸: [人脸识别]\n", 10)
    assert analyzer.reload() is True
    assert analyzer.synonym_count == 2
    assert "人脸识别" in analyzer.query("刷脸").marks

    with caplog.at_level(logging.WARNING, logger="search.analysis.synonyms"):
        write(path, "开公司: [企业开办\n  - broken: {", 20)
        assert analyzer.reload() is False
        assert analyzer.synonym_count == 2
        assert "人脸识别" in analyzer.query("刷脸").marks
        write(path, "- a list, not a mapping\n", 30)
        assert analyzer.reload() is False
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2

    path.unlink()
    assert analyzer.reload() is False
    assert analyzer.synonym_count == 2


def test_query_reloads_by_itself(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.yaml"
    write(path, "开公司: [企业开办]\n", 0)
    analyzer = Analyzer(path, reload_interval=0)
    write(path, "刷脸: [人脸识别]\n", 10)
    assert "人脸识别" in analyzer.query("刷脸").marks
    assert analyzer.synonym_count == 1


HOSTILE = [
    '"',
    '"""',
    '"不动产" AND "登记"',
    "*",
    "登记*",
    "NEAR(不动产 登记, 5)",
    "a OR b AND NOT c",
    "((((不动产",
    "不动产)]}",
    "😀🏠📄",
    "登记😀😀",
    "name:不动产 -登记 +证明",
    "\x00\t\n\r",
    "'; DROP TABLE items; --",
    "\\",
    "^$.|?+{}[]",
    "不动产" * 3400,
    "a" * 10_000,
    "a " * 5000,
    '"*' * 5000,
    "办" + "\u3000" * 9000 + "证",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries(analyzer: Analyzer, text: str) -> None:
    started = time.perf_counter()
    results: list[AnalysedQuery] = [analyzer.query(text), analyzer.prefix(text)]
    assert time.perf_counter() - started < 1.0
    for q in results:
        assert len(q.terms) <= 64 and len(q.prefixes) <= 16
        for token in (*q.terms, *q.prefixes):
            assert token and '"' not in token and not any(c.isspace() for c in token)
            assert "*" not in token and "(" not in token
        analyzer.highlight("不动产登记 <b>", q)


@pytest.mark.parametrize("text", ["", "   ", '"*()', "😀", "，。！？"])
def test_punctuation_only_is_empty(analyzer: Analyzer, text: str) -> None:
    assert analyzer.query(text).empty
    assert analyzer.prefix(text).empty


def test_highlight_escapes_and_marks(analyzer: Analyzer) -> None:
    q = analyzer.query("登记")
    assert (
        analyzer.highlight("<script>不动产登记</script>", q)
        == "&lt;script&gt;不动产<em>登记</em>&lt;/script&gt;"
    )
    assert analyzer.highlight("没有匹配", q) is None
    # overlapping and adjacent matches become one <em>
    q = analyzer.query("不动产登记")
    assert analyzer.highlight("不动产登记证明", q) == "<em>不动产登记</em>证明"
    assert "<em><em>" not in (analyzer.highlight("不动产不动产", q) or "")
    # case and width do not matter, the original text is shown
    assert analyzer.highlight("A4纸", analyzer.query("a4")) == "<em>A4</em>纸"
    assert analyzer.highlight("Ａ４纸", analyzer.query("a4")) == "<em>Ａ４</em>纸"


def test_highlights_of_a_document(analyzer: Analyzer) -> None:
    guide = "甲" * 100 + "公积金提取" + "乙" * 100
    d = doc("住房公积金提取<i>", conditions="无", materials=("申请书",), guide=guide)
    found = analyzer.highlights(d, analyzer.query("提取"))
    assert [h.field for h in found] == ["name", "guide"]
    assert found[0].fragment == "住房公积金<em>提取</em>&lt;i&gt;"
    snippet = found[1].fragment
    assert snippet.startswith("…") and snippet.endswith("…") and "<em>提取</em>" in snippet
    assert len(snippet.replace("<em>", "").replace("</em>", "")) <= 62

    found = analyzer.highlights(d, analyzer.query("申请"))
    assert [h.field for h in found] == ["materials"]
    assert found[0].fragment == "<em>申请</em>书"


def test_import_is_quiet_and_light() -> None:
    """No warnings (jieba touches pkg_resources), no jieba log lines, no web framework."""
    code = (
        "import sys\n"
        "from search.analysis import Analyzer\n"
        "from search.documents import SearchDocument\n"
        "a = Analyzer()\n"
        "a.document(SearchDocument(id='1', code='c', catalog_code='c', name='不动产登记'))\n"
        "a.query('不動產 bdcdj')\n"
        "bad = [m for m in ('catalog_api', 'strawberry', 'starlette') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_a_colloquial_name_typed_in_pinyin_expands_too(analyzer: Analyzer) -> None:
    assert {"企业", "开办"} <= set(analyzer.query("kaigongsi").terms)  # 开公司 → 企业开办
    assert {"企业", "开办"} <= set(analyzer.query("kaigonsi").terms)  # fuzzy: -ng typed as -n
