"""MinHash signatures of an article's word shingles, for telling copies apart from reports.

The values are exactly those of datasketch 2's ``MinHash(num_perm, hashfunc=zlib.crc32)``
(its default "affine32" scheme: each CRC-32 pre-mixed with the MurmurHash3 finalizer, then
``a·h + b mod 2³²`` per permutation, ``a`` odd; a test compares the two), so archived
fingerprints stay comparable. They are computed here because importing datasketch brings in
SciPy (its LSH module needs it), 0.3–0.6 s of start-up in every crawl process for the few
lines used, and because datasketch draws the permutations again for every article; here they
are drawn once per process.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection
from functools import lru_cache

import numpy as np

SEED = 1  # datasketch's default: fixed, so every process draws the same permutations
_EMPTY = np.uint32(0xFFFFFFFF)  # a slot no value has reached (an empty set)


@lru_cache(maxsize=4)
def permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``a`` (odd) and ``b`` of each permutation, as datasketch draws them."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.flags.writeable = b.flags.writeable = False
    return a, b


def _premix(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer: a bijection that spreads weak hashes."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def signature(items: Collection[bytes], num_perm: int) -> np.ndarray:
    """The ``num_perm`` minimum hash values of ``items`` (uint32; all ``2³²−1`` when empty)."""
    a, b = permutations(num_perm)
    if not items:
        return np.full(num_perm, _EMPTY, dtype=np.uint32)
    hashes = np.fromiter((zlib.crc32(item) for item in items), dtype=np.uint32, count=len(items))
    with np.errstate(over="ignore"):  # uint32 arithmetic wraps: that is the modulo 2³²
        mixed = _premix(hashes).reshape(-1, 1)
        return np.asarray((mixed * a + b).min(axis=0), dtype=np.uint32)
