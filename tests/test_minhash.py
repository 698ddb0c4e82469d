"""The MinHash signatures stories are compared by: datasketch's values, computed without it."""

from __future__ import annotations

import random
import zlib

import numpy as np
import pytest

from newswatch.minhash import permutations, signature


def _datasketch(items: list[bytes], num_perm: int) -> np.ndarray:
    datasketch = pytest.importorskip("datasketch")
    minhash = datasketch.MinHash(num_perm=num_perm, hashfunc=zlib.crc32)
    if items:
        minhash.update_batch(items)
    return np.asarray(minhash.hashvalues & 0xFFFFFFFF, dtype=np.uint32)


def test_signatures_equal_datasketchs_for_any_set_of_shingles() -> None:
    rng = random.Random(7)
    words = ["китай", "drone", "发动机", "engine", "Россия", "supply", "x", "", "\x00", "🚀"]
    for size in (0, 1, 2, 3, 30, 500, 4_000):
        items = [f"{rng.choice(words)} {rng.random()} {i}".encode() for i in range(size)]
        for num_perm in (16, 128):
            assert np.array_equal(signature(items, num_perm), _datasketch(items, num_perm)), (size, num_perm)


def test_an_empty_set_fills_every_slot_and_the_permutations_are_drawn_once() -> None:
    assert signature([], 8).tolist() == [2**32 - 1] * 8
    assert permutations(128) is permutations(128)
    a, _ = permutations(128)
    assert bool(np.all(a % 2 == 1)) and not a.flags.writeable  # odd: each map is a bijection
