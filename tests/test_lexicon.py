"""The shipped lexicons meet their contract, and broken lexicon files get file:line errors."""

from __future__ import annotations

from importlib import resources

import pytest

from cxtext import LexiconError, load_lexicon
from cxtext._lexicon import FILES

FACTORS = ("product", "service", "relationship", "convenience", "brand", "price")
THEMES = ("trust", "convenience", "commitment", "respect", "autonomy", "choice", "knowledge",
          "recognition", "benefit", "identity")


@pytest.fixture(scope="module")
def shipped():
    return load_lexicon()


def test_catalogue_has_the_six_factors_and_ten_themes(shipped):
    assert shipped.ids("factor") == FACTORS
    assert shipped.ids("theme") == THEMES
    assert shipped.name("factor", "brand") == "品牌形象"
    assert shipped.name("theme", "trust") == "信任"
    assert set(shipped.ids("stage")) == {"pre_purchase", "purchase", "after_sales"}
    assert len(shipped.ids("touchpoint")) >= 10


def test_shipped_files_load_without_warnings(shipped):
    assert shipped.warnings == ()


@pytest.mark.parametrize("factor", FACTORS)
def test_each_factor_has_real_coverage(shipped, factor):
    assert len(shipped.terms_of("factor", factor)) >= 150


@pytest.mark.parametrize("theme", THEMES)
def test_each_theme_has_real_coverage(shipped, theme):
    assert len(shipped.terms_of("theme", theme)) >= 60


def test_sentiment_lexicon_size_and_balance(shipped):
    weights = list(shipped.sentiment.values())
    assert len(weights) >= 3000
    assert sum(w > 0 for w in weights) >= 1000 and sum(w < 0 for w in weights) >= 1000
    assert all(-2 <= w <= 2 for w in weights)
    # weight 0 marks a neutral phrase (还没用): each one exists to stop a shorter opinion word inside it
    neutral = [t for t, w in shipped.sentiment.items() if w == 0]
    assert 0 < len(neutral) < 50
    for phrase in neutral:
        inner = [phrase[i:j] for i in range(len(phrase)) for j in range(i + 1, len(phrase) + 1) if (i, j) != (0, len(phrase))]
        assert any(shipped.sentiment.get(t) or any(p for _, _, p in shipped.aspects.get(t, ())) for t in inner), phrase


@pytest.mark.parametrize(
    ("term", "kind", "id"),
    [("排队", "factor", "convenience"), ("爱答不理", "theme", "respect"), ("隐形收费", "theme", "trust"),
     ("性价比", "factor", "price"), ("默认开通", "theme", "autonomy"), ("说好的", "theme", "commitment")],
)
def test_phrases_from_the_domain_are_there(shipped, term, kind, id):
    assert (kind, id) in {(k, i) for k, i, _ in shipped.aspects.get(term, ())}


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_shipped_file_is_utf8_with_header(name):
    path = resources.files("cxtext") / "lexicons" / name
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    assert "\r" not in text
    first = next(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    assert first.split("\t")[: len(FILES[name][0])] == list(FILES[name][0])


def _folder(tmp_path, name, body):
    (tmp_path / name).write_text(body, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("factors.tsv", "term\tid\tpolarity\n排长队\tspeed\t-1\n", "factors.tsv:2: unknown factor id 'speed'"),
        ("factors.tsv", "term\tid\tpolarity\n排长队\tconvenience\tbad\n", "factors.tsv:2: polarity 'bad' is not allowed; allowed: a number from -2 to 2"),
        ("sentiment.tsv", "term\tweight\n好极了\t9\n", "sentiment.tsv:2: weight '9' is not allowed"),
        ("sentiment.tsv", "# comment\nterm\tweight\n好极了\n", "sentiment.tsv:3: expected 2 column(s)"),
        ("sentiment.tsv", "word\tscore\n好极了\t1\n", "sentiment.tsv:1: expected the header line"),
        ("contrast.tsv", "term\trole\n但是呢\tafter\n", "contrast.tsv:2: role 'after' is not allowed; allowed: but, although"),
        ("themes.tsv", "term\tid\tpolarity\n坑人\ttrust\t-2\textra\n", "themes.tsv:2: 4 columns"),
        ("attributes.tsv", "term\tdirection\n续航\tup\n", "attributes.tsv:2: direction 'up' is not allowed; allowed: 1, -1"),
    ],
)
def test_bad_lines_are_reported_with_file_and_line(tmp_path, name, body, message):
    folder = _folder(tmp_path, name, body)
    with pytest.raises(LexiconError) as exc:
        load_lexicon(folder)
    assert message in str(exc.value)


def test_not_utf8_is_reported_with_line(tmp_path):
    (tmp_path / "sentiment.tsv").write_bytes("term\tweight\n好极了\t1\n".encode() + "差劲\t-1\n".encode("gbk"))
    with pytest.raises(LexiconError, match=r"sentiment.tsv:3: the file is not UTF-8"):
        load_lexicon(tmp_path)


def test_bom_crlf_and_spaces_are_tolerated_with_warnings(tmp_path):
    (tmp_path / "sentiment.tsv").write_bytes("\ufeffterm\tweight\r\n好极了 1.5\r\n好极了\t2\r\n".encode())
    lex = load_lexicon(tmp_path)
    assert lex.sentiment["好极了"] == 2.0
    assert any("sentiment.tsv:2: columns are separated by spaces" in w for w in lex.warnings)
    assert any("sentiment.tsv:3: duplicate term" in w for w in lex.warnings)


def test_user_folder_adds_overrides_and_removes(tmp_path, shipped):
    assert "一般" in shipped.sentiment or True
    (tmp_path / "sentiment.tsv").write_text("term\tweight\n贼拉好\t1.5\n不错\t0.2\n", encoding="utf-8")
    (tmp_path / "factors.tsv").write_text("term\tid\tpolarity\n排队\t-\t\n配送费\tprice\t\n", encoding="utf-8")
    lex = load_lexicon(tmp_path)
    assert lex.sentiment["贼拉好"] == 1.5
    assert lex.sentiment["不错"] == 0.2
    assert "排队" not in {t for t, e in lex.aspects.items() if any(k == "factor" for k, _, _ in e)} or all(
        k != "factor" for k, _, _ in lex.aspects.get("排队", ())
    )
    assert ("factor", "price", None) in lex.aspects["配送费"]
    assert lex.fingerprint != shipped.fingerprint


def test_traditional_terms_are_normalised(tmp_path):
    (tmp_path / "sentiment.tsv").write_text("term\tweight\n態度惡劣\t-2\n", encoding="utf-8")
    assert load_lexicon(tmp_path).sentiment["态度恶劣"] == -2.0


def test_empty_user_folder_is_an_error(tmp_path):
    with pytest.raises(LexiconError, match="no lexicon files found"):
        load_lexicon(tmp_path)


def test_lexicon_is_picklable(shipped):
    import pickle

    assert pickle.loads(pickle.dumps(shipped)) == shipped


def test_a_base_folder_without_attributes_still_loads(tmp_path):
    # attributes.tsv came later than the other files: an older complete folder keeps working
    for name in FILES:
        if name != "attributes.tsv":
            (tmp_path / name).write_bytes((resources.files("cxtext") / "lexicons" / name).read_bytes())
    lex = load_lexicon(base=tmp_path)
    assert lex.attributes == {} and lex.sentiment


def test_user_attributes_are_read_and_used(tmp_path):
    from cxtext import Analyzer

    (tmp_path / "attributes.tsv").write_text("term\tdirection\n出餐时间\t-1\n", encoding="utf-8")
    assert load_lexicon(tmp_path).attributes["出餐时间"] == -1
    an = Analyzer(sentiment="rules", lexicons=tmp_path)
    assert an.analyze("出餐时间很长").score < 0 < an.analyze("出餐时间短").score
