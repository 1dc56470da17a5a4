"""The user cache of the built tokenizer: found again, invalidated by what it was built from, safe to share."""

from __future__ import annotations

import multiprocessing

import pytest

from cxtext import _cache
from cxtext._segment import Segmenter


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(_cache.ENV_DIR, str(tmp_path / "cache"))
    monkeypatch.delenv(_cache.ENV_OFF, raising=False)
    return tmp_path / "cache"


def test_store_and_load_round_trip(cache):
    key = _cache.cache_key("a", b"b")
    assert _cache.load("thing", key) is None
    path = _cache.store("thing", key, ({"词": 3, "词语": 0}, 3))
    assert path is not None and path.parent == cache
    assert _cache.load("thing", key) == ({"词": 3, "词语": 0}, 3)
    assert _cache.entries() == [path]
    assert _cache.clear() == 1 and _cache.entries() == []


def test_keys_change_with_every_part():
    base = _cache.cache_key("cxtext 1", "jieba 1", b"dict", "服务\n价格")
    assert base == _cache.cache_key("cxtext 1", "jieba 1", b"dict", "服务\n价格")
    for parts in (("cxtext 2", "jieba 1", b"dict", "服务\n价格"), ("cxtext 1", "jieba 2", b"dict", "服务\n价格"),
                  ("cxtext 1", "jieba 1", b"dict2", "服务\n价格"), ("cxtext 1", "jieba 1", b"dict", "服务\n价钱")):
        assert _cache.cache_key(*parts) != base


def test_a_damaged_entry_is_ignored(cache):
    key = _cache.cache_key("x")
    path = _cache.store("thing", key, [1, 2, 3])
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    assert _cache.load("thing", key) is None
    path.write_bytes(b"not a cache file")
    assert _cache.load("thing", key) is None


def test_the_cache_can_be_turned_off(cache, monkeypatch):
    monkeypatch.setenv(_cache.ENV_OFF, "1")
    assert _cache.cache_dir() is None
    assert _cache.store("thing", "k", 1) is None and _cache.load("thing", "k") is None
    monkeypatch.setenv(_cache.ENV_OFF, "0")
    assert _cache.cache_dir() == cache


def test_old_entries_are_pruned(cache):
    for i in range(12):
        _cache.store("thing", _cache.cache_key(str(i)), i)
    assert len(_cache.entries()) == 8


def _writer(folder: str, n: int) -> bool:
    import os

    os.environ[_cache.ENV_DIR] = folder
    value = {f"词{i}": i for i in range(20000)}
    for _ in range(n):
        _cache.store("shared", "samekey", value)
        got = _cache.load("shared", "samekey")
        if got != value:
            return False
    return True


def test_concurrent_processes_never_see_a_half_written_entry(cache):
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(3) as pool:
        assert all(pool.starmap(_writer, [(str(cache), 15)] * 3))
    assert not list(cache.glob("*.tmp"))  # temporary files were all renamed or removed


def test_the_tokenizer_is_built_once_then_loaded(cache):
    terms = ("爱答不理", "隐形收费", "默认开通")
    first = Segmenter(terms)
    built = first.tokens("客服爱答不理还隐形收费")
    assert len(_cache.entries()) == 1
    # A second segmenter for the same terms takes the cached table: poison the entry to prove it.
    entry = _cache.entries()[0]
    freq, total = _cache.load("tokenizer", entry.stem.split("-", 1)[1])
    assert freq["爱答不理"] > 0 and total == first.tokenizer.total
    freq["客服爱"] = total  # a made-up word, so segmentation shows where the table came from
    _cache.store("tokenizer", entry.stem.split("-", 1)[1], (freq, total))
    again = Segmenter(terms).tokens("客服爱答不理还隐形收费")
    assert again[0][0] == "客服爱" and built[0][0] != "客服爱"
    # Different terms are a different entry.
    import jieba

    tk = jieba.Tokenizer()
    assert Segmenter(terms)._cache_key(jieba, tk) != Segmenter(terms + ("说到做到",))._cache_key(jieba, tk)


def test_disabled_cache_still_builds(cache, monkeypatch):
    monkeypatch.setenv(_cache.ENV_OFF, "1")
    assert [t for t, _, _ in Segmenter(("隐形收费",)).tokens("有隐形收费")] == ["有", "隐形收费"]
    assert not cache.exists()


def test_cache_command(cache, capsys):
    from cxtext._cli import main

    _cache.store("thing", "k", 1)
    assert main(["cache"]) == 0
    assert str(cache) in capsys.readouterr().out
    assert main(["cache", "--clear"]) == 0
    assert "removed 1 file" in capsys.readouterr().out
