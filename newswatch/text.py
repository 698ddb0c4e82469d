"""Scripts: which characters are Chinese or Japanese. Those scripts put no spaces between
words, so rules match them as substrings, stories read them as character runs, and search
finds them with a trigram index."""

from __future__ import annotations

import re

#: Hiragana, katakana and the CJK ideographs (extension A, unified, compatibility), as the
#: body of a regex character class.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: One such character.
CJK_CHAR = re.compile(f"[{CJK}]")


def has_cjk(text: str) -> bool:
    """True when ``text`` holds a Chinese or Japanese character."""
    return CJK_CHAR.search(text) is not None
