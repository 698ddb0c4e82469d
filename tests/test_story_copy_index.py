"""The copy test looks the new article's MinHash values up instead of reading the whole window
(#24): what it reads does not grow with the window, and it finds exactly the copy that comparing
every value of every entry finds, in a window loaded at once, grown article by article and
folded, and with entries too short to be a copy."""

from __future__ import annotations

import tracemalloc
from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from newswatch import stories
from newswatch.stories import (
    _FENCE,
    NUM_PERM,
    Entry,
    Fingerprint,
    StoryConfig,
    StoryIndex,
    WindowIdf,
    _copy_keys,
    _Memo,
    _shared_values,
    _sorted_with_order,
    _weights,
    copy_similarity,
    event_similarity,
    fingerprint,
)

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _values(rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, 1 << 32, NUM_PERM, dtype=np.uint64).astype(np.uint32)


def _window(size: int, rng: np.random.Generator) -> StoryIndex:
    """A window of ``size`` unrelated entries, loaded at once (as a crawl's first store does)."""
    entries = [
        Entry(n, n, "x", NOW, Fingerprint(_values(rng).tobytes(), 400, (f"w{n}",), (), (), ()))
        for n in range(size)
    ]
    index = StoryIndex()
    index.extend(entries)
    return index


def _peak_of_copy_match(index: StoryIndex, copied: int) -> int:
    """Bytes allocated at most while the index finds the copy of entry ``copied``."""
    fp = index.entries[copied].fp
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        found = index.match(fp, NOW, exclude=None)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert found is not None and (found.article_id, found.relation) == (copied, "copy")
    return peak


def test_finding_a_copy_reads_no_more_of_a_window_of_60000_than_of_one_of_15000() -> None:
    """The copy test allocated a bound per entry and a block of 32 rows of the whole window at a
    time (1.9 MB at 60,000 entries); looking up 128 values allocates what the values found take
    and a block of keys per value, whatever the window holds."""
    rng = np.random.default_rng(24)
    small, large = _window(15_000, rng), _window(60_000, rng)
    peaks = [_peak_of_copy_match(small, 7_000), _peak_of_copy_match(large, 30_000)]
    assert peaks[1] < peaks[0] + 64 * 1024, peaks
    assert peaks[1] < 512 * 1024, peaks


def _sharing(rng: np.random.Generator, mine: np.ndarray, shared: int) -> np.ndarray:
    values = _values(rng)
    values = np.where(values == mine, values ^ np.uint32(1), values)  # none shared by chance
    chosen = rng.choice(NUM_PERM, shared, replace=False)
    values[chosen] = mine[chosen]
    return values


def _brute_force(index: StoryIndex, new: Fingerprint, exclude: int | None = None) -> tuple[int, float] | None:
    """The copy comparing every value of every entry finds: the best, the earliest of equals."""
    scores = [copy_similarity(new, entry.fp) for entry in index.entries]
    best: tuple[int, float] | None = None
    for entry, score in zip(index.entries, scores, strict=True):
        wanted = score >= index.config.copy_threshold and entry.article_id != exclude
        if wanted and (best is None or score > best[1]):
            best = (entry.article_id, score)
    return best


@pytest.mark.parametrize("loaded", [0, 700])
def test_the_copy_found_is_the_one_comparing_every_value_finds_as_the_window_grows(loaded: int) -> None:
    """Entries loaded at once, then added one by one past two folds of the added ones into
    the looked-up values (``TAIL``), sharing 0 to 128 values with the new articles, some too
    short to be a copy (no shingles counted): after every few additions, each of the new
    articles finds the copy the brute force finds, with its score."""
    rng = np.random.default_rng(loaded + 1)
    news = [_values(rng) for _ in range(6)]
    sizes = [0, 30, 31, 200, 400, 1000, 8000]

    def entry(n: int) -> Entry:
        mine = news[int(rng.integers(len(news)))]
        shared = int(rng.choice([0, 1, 2, 10, 40, 70, 90, 128]))
        fp = Fingerprint(_sharing(rng, mine, shared).tobytes(), int(rng.choice(sizes)), (), (), (), ())
        return Entry(n, n, "x", NOW, fp)

    index = StoryIndex()
    index.extend([entry(n) for n in range(loaded)])
    found_copies = 0
    for n in range(loaded, loaded + 2 * StoryIndex.TAIL + 300):
        index.add(entry(n))
        if n % 211 == 0 or n == loaded + 2 * StoryIndex.TAIL + 299:
            for mine in news:
                for size in (30, 400, 5000):
                    new = Fingerprint(mine.tobytes(), size, (), (), (), ())
                    found = index.match(new, NOW)
                    expected = _brute_force(index, new)
                    got = (found.article_id, found.score) if found is not None else None
                    assert got == (pytest.approx(expected) if expected else None)
                    found_copies += expected is not None
    assert index._folded >= 2 * StoryIndex.TAIL - 1  # both folds happened
    assert found_copies > 20


def test_with_a_copy_threshold_of_zero_any_entry_is_a_copy_as_before() -> None:
    """Every entry reaches a threshold of 0, those sharing no value and those too short too:
    the first within the copy window is the copy (as when every entry was compared)."""
    rng = np.random.default_rng(3)
    index = StoryIndex(StoryConfig(copy_threshold=0.0))
    old = NOW - timedelta(days=30)
    index.add(Entry(0, 0, "x", old, Fingerprint(_values(rng).tobytes(), 400, (), (), (), ())))
    index.add(Entry(1, 1, "x", NOW, Fingerprint(_values(rng).tobytes(), 0, (), (), (), ())))
    index.add(Entry(2, 2, "x", NOW, Fingerprint(_values(rng).tobytes(), 400, (), (), (), ())))
    found = index.match(Fingerprint(_values(rng).tobytes(), 400, (), (), (), ()), NOW)
    assert found is not None and (found.article_id, found.relation, found.score) == (1, "copy", 0.0)


def test_a_match_weighs_the_new_article_once_and_scores_as_without_its_memo() -> None:
    """The similarity with a match's memo (the new article's weights and norm kept) is the one
    computed afresh, to the last bit."""
    a = fingerprint("Chinese engines for Russian drones", "Engines made in China power Russian drones. " * 5)
    b = fingerprint("Russian drones fly on Chinese engines", "Drones of Russia use engines from China. " * 5)
    idf = WindowIdf(Counter({"engine": 3, "drones": 40}), 100)
    memo = _Memo(idf)
    plain = event_similarity(a, b, idf, 4.6)
    assert plain > 0
    assert [event_similarity(a, b, memo, 4.6) for _ in range(3)] == [plain] * 3
    assert memo.weighted(a, 4.6)[0] == _weights(a, idf, 4.6)


@pytest.mark.parametrize("fenced", [True, False])
@pytest.mark.parametrize("count", [1, 63, 64, 65, 5000])
def test_values_shared_are_counted_exactly_when_many_entries_share_one(
    count: int, fenced: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Values drawn from a few dozen, so that one value's entries run across several blocks of
    the looked-up keys: every entry sharing a value is found, with the number it shares, looked
    up through the fences (as in a large window) or by binary search (a small one)."""
    monkeypatch.setattr(stories, "_FENCED_FROM", 0 if fenced else 1 << 62)
    rng = np.random.default_rng(count)
    values = rng.integers(0, 50, (count, NUM_PERM)).astype(np.uint32)
    keys = _copy_keys(values, np.arange(count))
    keys.sort()
    for _ in range(10):
        mine = rng.integers(0, 60, NUM_PERM).astype(np.uint32)
        counted = np.count_nonzero(values == mine, axis=1)
        rows, shared = _shared_values(keys, keys[::_FENCE].copy(), mine)
        assert rows.tolist() == np.flatnonzero(counted).tolist()
        assert shared.tolist() == counted[counted > 0].tolist()


@pytest.mark.parametrize(("count", "distinct"), [(0, 1), (1, 1), (1000, 50), (200_000, 30_000)])
def test_word_keys_are_sorted_with_their_order_as_argsort_gives_them(count: int, distinct: int) -> None:
    """The window load's sort of word hashes: keys equal but for their lowest bit (which share
    the high bits the first sort reads), and the extremes of 64 bits, come out in order, each
    with the index it came from."""
    rng = np.random.default_rng(count)
    words = rng.integers(-(1 << 63), (1 << 63) - 1, distinct, dtype=np.int64)
    if distinct > 8:
        words[1 : distinct // 3 : 2] = words[0 : distinct // 3 - 1 : 2] ^ 1
        words[2:6] = [-(1 << 63), -(1 << 63) + 1, (1 << 63) - 1, (1 << 63) - 2]
    keys = words[rng.integers(0, distinct, count)]
    ordered, order = _sorted_with_order(keys.copy())
    assert ordered.tolist() == sorted(keys.tolist())
    assert keys[order].tolist() == ordered.tolist()
    assert sorted(order.tolist()) == list(range(count))
