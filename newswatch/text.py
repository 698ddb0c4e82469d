"""Scripts: which characters are Chinese or Japanese (those scripts put no spaces between
words, so rules match them as substrings, stories read them as character runs, and search
finds them with a trigram index), which are Korean, and traditional Chinese read as
simplified (OpenCC's ``t2s`` tables), so one spelling of a Chinese word finds both; and lines
that point to another article ("Read also: …"), which extraction drops as chrome and claims
and evidence never quote (text from elsewhere still holds them); and sentences that are the
headline again, which an alert never quotes as its evidence."""

from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from functools import cache
from typing import Any

#: Hiragana, katakana and the CJK ideographs (extension A, unified, compatibility), as the
#: body of a regex character class.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: One such character.
CJK_CHAR = re.compile(f"[{CJK}]")


def has_cjk(text: str) -> bool:
    """True when ``text`` holds a Chinese or Japanese character."""
    return CJK_CHAR.search(text) is not None


#: Hangul syllables and jamo: Korean, whose particles attach to the word ("러시아에").
HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_opencc_lock = threading.Lock()
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_hangul(text: str) -> bool:
    return HANGUL.search(text) is not None


@cache
def _other_digits() -> tuple[re.Pattern[str], dict[str, str]]:
    """A decimal digit of a script other than ASCII (Arabic-Indic ٤, Persian ۴, Devanagari ४,
    Bengali ৪, Thai ๔, …: every one lies below U+20000), or the Arabic decimal and thousands
    separators (١٢٫٥, ٤٬٥٠٠), as one character class, and what each stands for."""
    spelled = {"\u066b": ".", "\u066c": ","}
    for point in range(0x80, 0x20000):
        char = chr(point)
        if char.isdecimal():
            spelled[char] = str(unicodedata.decimal(char))
    runs: list[list[int]] = []  # consecutive code points as ranges: the class stays small
    for point in sorted(map(ord, spelled)):
        if runs and runs[-1][1] == point - 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    ranges = "".join(
        f"{re.escape(chr(a))}-{re.escape(chr(b))}" if b > a else re.escape(chr(a)) for a, b in runs
    )
    return re.compile(f"[{ranges}]"), spelled


def ascii_digits(text: str) -> str:
    """``text`` with every decimal digit written as an ASCII digit, one character for one (so
    positions hold), and the Arabic decimal and thousands separators as a point and a comma:
    Arabic and Persian news write "١٢٫٥ مليون" where others write "12.5 million"."""
    if text.isascii():
        return text
    pattern, spelled = _other_digits()
    return pattern.sub(lambda m: spelled[m.group(0)], text)


@cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@cache
def _simplified_char(char: str) -> str:
    with _opencc_lock:
        out = str(_t2s().convert(char))
    return out if len(out) == 1 else char


@cache
def _traditional() -> re.Pattern[str]:
    """The characters ``t2s`` changes when it reads one alone (built once, in one call over
    every CJK character): a text holding none of them is left as it is, without a call."""
    chars = [chr(c) for lo, hi in _CJK_RANGES for c in range(lo, hi + 1)]
    with _opencc_lock:
        out = str(_t2s().convert("\n".join(chars))).split("\n")
    changed = [c for c, s in zip(chars, out, strict=False) if s != c]
    return re.compile("[" + "".join(re.escape(c) for c in changed) + "]")


_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def simplified(text: str) -> str:
    """Traditional Chinese characters as simplified ones, one character in and one out (so
    offsets stay the original's); text without Chinese, or with no character that ``t2s``
    changes (most simplified-Chinese text), comes back as it is."""
    if not has_cjk(text) or _traditional().search(text) is None:
        return text
    text = _SURROGATE.sub("\ufffd", text)  # OpenCC refuses a lone surrogate; one for one
    with _opencc_lock:  # one converter, shared by the crawl's threads
        out = str(_t2s().convert(text))
    if len(out) == len(text):
        return out
    return "".join(_simplified_char(c) if CJK_CHAR.match(c) else c for c in text)  # a phrase changed length


# A pointer to another article: a "see also" label and that article's headline on one line
# ("Read also: …", "Смотрите также СБУ допросила пленных"). Without a separator after the label
# the rest must read as a headline, not end as a sentence does: "Read more about it in the
# report, the minister said." and "Related news reports said …" are prose. The labels that
# are words of prose too ("Related", "Read next") need their separator.
CROSS_REFERENCE_LINE = re.compile(
    r"""^(?:(?:(?:read|see)\s(?:also|more)|also\sread|related\s(?:story|stories|articles?|posts?|news|coverage)
      |lesen\ssie\s(?:auch|mehr)|mehr\szum\sthema|(?:à\s)?lire\saussi|voir\saussi
      |le[ae]\stambién|ver\stambién|leggi\sanche|czytaj\s(?:więcej|też|także)|zobacz\s(?:też|także)
      |citește\sși|leia\stambém|veja\stambém|lees\sook|läs\sockså|lue\smyös|baca\sjuga
      |(?:читайте|смотрите)\s(?:также|тоже)|(?:также|тоже)\sчитайте|читайте\sтакож|дивіться\sтакож
      |також\sчитайте|прочетете\sоще|вижте\sоще|διαβάστε\s(?:επίσης|ακόμη)
      |[اإ]قرأ\sأيضا[\u064B-\u0652]?|यह\sभी\sपढ़ें
      |相关(?:新闻|阅读|报道|文章)|延伸阅读|推荐阅读|関連(?:記事|ニュース)|관련\s?기사)
        (?:\s*[:：|–—-].*|\s+\S.{0,300}(?<![.;,:。])(?<![.;,:。]["”»’']))
      |(?:read\snext|related|more\son\sthis(?:\sstory)?|leer\smás)\s*[:：|–—].*)$""",
    re.IGNORECASE | re.VERBOSE,
)


def cross_reference(line: str) -> bool:
    """Whether a line points to another article ("Read also: …"): its words are that article's
    headline, not this one's claim."""
    return bool(CROSS_REFERENCE_LINE.match(line.strip()))


#: The share of a sentence's letters and digits found in the headline, in order, from which
#: the sentence is the headline again (difflib's matching blocks: a repeat with its
#: punctuation, case or a word changed still is one; a sentence that says more is not).
REPEAT_SHARE = 0.85
#: The shortest run of letters shared with the headline that counts toward that share.
MIN_RUN = 3


def _letters(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


def repeats_headline(sentence: str, title: str) -> bool:
    """Whether ``sentence`` is the headline again (a page's first line often is)."""
    a, b = _letters(sentence), _letters(title)
    if not a or len(b) < REPEAT_SHARE * len(a):  # the headline cannot hold enough of it
        return False
    if a in b:
        return True
    blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    # runs of a letter or two match anywhere in a long headline: only longer ones count
    return sum(block.size for block in blocks if block.size >= MIN_RUN) >= REPEAT_SHARE * len(a)
