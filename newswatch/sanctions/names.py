"""Listed names as articles write them (pure, no I/O).

A list writes "XIAMEN LIMBACH AIRCRAFT ENGINE CO., LTD." or "ООО «Альфа Трейд»"; an article
writes "Xiamen Limbach Aircraft Engine" or "Альфа Трейд". :func:`match_name` removes the legal
form at either end of a name, in its own script, with the legal forms of the ``fingerprints``
library (628 forms in some 40 languages, kept by OpenSanctions), its bracketed parts and its
quotes. :func:`strength` says whether the rest is distinctive enough to be matched on its own
(``strong``) or only beside its country's name (``weak``: "Alpha Trading", "华为", "Rostec").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache


def normalise(text: str) -> str:
    """The rules' folding (case, traditional Chinese as simplified), imported when first
    used: the rules package imports this module's users."""
    from newswatch.rules.text import normalise as fold

    return fold(text)


STRONG, WEAK = "strong", "weak"

#: Chinese legal forms the library writes only in traditional or Japanese script, and the
#: simplified ones it lacks; a name ends with them (股份有限公司, 有限责任公司).
_CJK_FORMS = ("股份有限公司", "有限责任公司", "责任有限公司", "有限公司", "集团公司", "公司")

#: Words that say what a company does or where, not which company it is: a name made of them
#: and one other word is weak ("Alpha Trading", "Shenzhen Sky Electronics" is not).
_GENERIC_WORDS = """
    trading trade traders technology technologies tech electronics electronic electric industrial
    industries industry international group holding holdings logistics import export imp exp
    supply supplies development science scientific engineering equipment machinery materials
    energy global world general new services service solutions systems system products product
    manufacturing production commercial investment investments resources shipping transport
    company co corporation enterprise enterprises components parts and the of hk china chinese
    hong kong russia russian shenzhen beijing shanghai guangzhou xiamen hangzhou tianjin wuhan
    chengdu harbin dalian qingdao ningbo moscow petersburg intl ticaret sanayi
    торговый торговля технологии технология электроника компания группа интернешнл импорт экспорт
    снабжение развитие производство промышленность завод
    科技 技术 贸易 电子 国际 进出口 实业 发展 集团 工业 香港 深圳 北京 上海 广州 厦门 杭州 天津 中国 有限
"""
GENERIC = frozenset(_GENERIC_WORDS.split())
#: Russian legal forms the library lacks in Cyrillic (it has them in Latin letters): joint-
#: stock company, non-public JSC, sole trader, federal and municipal unitary enterprises.
_RUSSIAN_FORMS = ("ао", "нао", "ип", "фгуп", "муп")
#: Legal forms to the library that are trade words to an article: kept in the name.
_TRADE_WORDS = frozenset(
    [
        "international",
        "intl",
        "import",
        "export",
        "imp",
        "exp",
        "enterprise",
        "enterprises",
        "trading",
        "trade",
        "industry",
        "industries",
        "group",
        "holding",
        "holdings",
        "cooperation",
        "ticaret",
        "sanayi",
        "lojistik",
        "insaat",
    ]
)
_QUOTES = re.compile(r"[\"'«»„“”‘’「」『』《》]")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|（[^（）]*）")
#: What an alias keeps: words, hyphens inside them, ampersands; the rest splits words.
_DROP = re.compile(r"[^\w\s&-]|_")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+")


def _fold(text: str) -> str:
    """Lower case, accents and punctuation gone, one space between words (how the legal
    forms are compared)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(plain))


@cache
def _legal_forms() -> tuple[frozenset[tuple[str, ...]], int]:
    """The library's legal forms as word tuples (folded), and the longest one's length; not
    the one-word forms that are trade words ("international", "import", "enterprise"): a
    name keeps those, so "TOP INTERNATIONAL" does not shrink to "TOP"."""
    from fingerprints.types.data import TYPES  # imported when names are first read

    forms = {
        tuple(_fold(form).split())
        for entry in TYPES["types"]
        for form in (entry["main"], *entry["forms"])
        if not _CJK.search(form)
    }
    forms |= {(form,) for form in _RUSSIAN_FORMS}
    forms = {form for form in forms if form and not (len(form) == 1 and form[0] in _TRADE_WORDS)}
    return frozenset(forms), max(map(len, forms))


@cache
def _form_words() -> frozenset[str]:
    """The one-word legal forms ("ltd", "llc", "co", "ооо", "gmbh", "fze"), not everyday
    words ("as", "a") nor trade words."""
    forms, _longest = _legal_forms()
    words = {form[0] for form in forms if len(form) == 1 and len(form[0]) >= 2}
    return frozenset(words - _TRADE_WORDS - _common_words())


def legal_form_word(word: str) -> bool:
    """Whether a word (folded) opens a legal form: "Vega LLC", "Vega Co., Ltd." are a
    company's name."""
    return _fold(word) in _form_words()


@cache
def _common_words() -> frozenset[str]:
    """Everyday words of English and Russian (jusText's stop lists, some 1,500 words): a name
    made of them ("Best Way", "South East", "Top") says nothing of which company it is."""
    import justext

    return frozenset(w for language in ("English", "Russian") for w in justext.get_stoplist(language))


def match_name(name: str) -> str:
    """``name`` without its legal form (at either end), bracketed parts and quotes, in its own
    script: "" when nothing distinctive is left ("Limited", "ООО")."""
    text = _BRACKETS.sub(" ", unicodedata.normalize("NFKC", name))
    text = " ".join(_DROP.sub(" ", _QUOTES.sub(" ", text)).split()).strip("-& ")
    if _CJK.search(text) and not re.search(r"[^\W\d_]", _CJK.sub("", text)):
        return _cjk_name(text)
    words = text.split()
    forms, longest = _legal_forms()
    changed = True
    while words and changed:
        changed = False
        for size in range(min(longest, len(words)), 0, -1):
            if tuple(_fold(" ".join(words[-size:])).split()) in forms:
                words, changed = words[:-size], True
                break
            if tuple(_fold(" ".join(words[:size])).split()) in forms:
                words, changed = words[size:], True
                break
    return " ".join(words).strip("-& ")


def _cjk_name(text: str) -> str:
    compact = text.replace(" ", "")
    changed = True
    while changed:
        changed = False
        for form in _CJK_FORMS:
            if normalise(compact).endswith(form) and len(compact) > len(form):
                compact, changed = compact[: -len(form)], True
    return "" if normalise(compact) in _CJK_FORMS else compact


def distinctive(name: str) -> list[str]:
    """The words of a match name that say which company it is: not generic, not a number,
    three letters or more (Chinese: the characters outside the generic words)."""
    folded = normalise(name)
    if _CJK.search(folded):
        rest = folded
        for word in sorted((w for w in GENERIC if _CJK.search(w)), key=len, reverse=True):
            rest = rest.replace(word, " ")
        return [c for c in rest if _CJK.match(c)]
    common = _common_words()
    return [
        w
        for w in _fold(name).split()
        if w not in GENERIC and w not in common and len(w) >= 3 and not w.isdigit()
    ]


def strength(name: str) -> str | None:
    """``strong`` (matched wherever it stands), ``weak`` (matched beside its country only) or
    None (not matched). Latin or Cyrillic: strong with two distinctive words, or one of five
    letters or more among three words or more ("Shenzhen Jinghon Electronics"); weak with one
    ("Alpha Trading", "Rostec", "Hong Kong Hat Trading"), or none among three words or more
    ("China Electronics Technology Group").
    Chinese: strong with three distinctive characters, or two among five or more."""
    words = distinctive(name)
    found = len(words)
    if _CJK.search(name):
        size = len(_CJK.findall(name))
        if found >= 3 or (found == 2 and size >= 5):
            return STRONG
        return WEAK if found or size >= 6 else None
    size = len(_fold(name).split())
    if found >= 2 or (found == 1 and size >= 3 and len(words[0]) >= 5):
        return STRONG
    return WEAK if found or size >= 3 else None


def match_names(names: Iterable[str]) -> list[tuple[str, str]]:
    """(match name, strength) of each name, each match name once (compared as the rules
    compare words), those with nothing distinctive left out."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for name in names:
        matched = match_name(name)
        key = fold_key(matched)
        kind = strength(matched) if key else None
        if kind is not None and key not in seen:
            seen.add(key)
            out.append((matched, kind))
    return out


#: What a list writes around a company's name that reports leave out: the country in front
#: ("CHINA HEAD AEROSPACE TECHNOLOGY"), the group, the jurisdiction and "technology" behind
#: ("DALIAN MACHINE TOOL GROUP", "KING-PAI TECHNOLOGY HK"), as folded words.
_LEADING_EXTRAS = (("china",), ("chinese",), ("zhongguo",), ("hong", "kong"), ("hk",))
_TRAILING_EXTRAS = (
    ("group",),
    ("holding",),
    ("holdings",),
    ("hk",),
    ("hong", "kong"),
    ("china",),
    ("technology",),
    ("technologies",),
)


def short_forms(name: str) -> list[tuple[str, str]]:
    """(shorter name, strength) of a match name without what reports leave out, each step of
    the way, two words at least: "CHINA HEAD AEROSPACE TECHNOLOGY" → "HEAD AEROSPACE
    TECHNOLOGY" (weak), "HEAD AEROSPACE" (weak). Latin script only; names with nothing
    distinctive left are not given."""
    if _CJK.search(name) or not name.isascii():
        return []
    words = name.split()
    out: list[tuple[str, str]] = []
    changed = True
    while changed:
        changed = False
        folded = [_fold(w) for w in words]
        for extra in _LEADING_EXTRAS:
            if len(words) - len(extra) >= 2 and tuple(folded[: len(extra)]) == extra:
                words, changed = words[len(extra) :], True
                break
        else:
            for extra in _TRAILING_EXTRAS:
                if len(words) - len(extra) >= 2 and tuple(folded[-len(extra) :]) == extra:
                    words, changed = words[: -len(extra)], True
                    break
        if changed:
            short = " ".join(words)
            kind = strength(short)
            if kind is not None:
                out.append((short, kind))
    return out


#: Russian Cyrillic in Latin letters as reports write it: BGN/PCGN (as the US and UK lists
#: and English-language reports romanise), German (Duden) and French press usage; a letter not
#: in a table is kept.
_ROMANISATIONS: tuple[dict[str, str], ...] = tuple(
    dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", table.split(","), strict=True))
    for table in (
        "a,b,v,g,d,e,e,zh,z,i,y,k,l,m,n,o,p,r,s,t,u,f,kh,ts,ch,sh,shch,,y,,e,yu,ya",
        "a,b,w,g,d,e,jo,sch,s,i,j,k,l,m,n,o,p,r,s,t,u,f,ch,z,tsch,sch,schtsch,,y,,e,ju,ja",
        "a,b,v,g,d,e,io,j,z,i,ï,k,l,m,n,o,p,r,s,t,ou,f,kh,ts,tch,ch,chtch,,y,,e,iou,ia",
    )
)
_CYRILLIC = re.compile(r"[Ѐ-ӿ]")


def romanised(name: str) -> list[str]:
    """A Russian name in Latin letters, each romanisation once ("ТСК Вектор" → "TSK Vektor",
    "TSK Wektor"; "Алмаз-Антей" → "Almaz-Antey", "Almas-Antej", "Almaz-Anteï"): a list gives
    the Cyrillic name, a report its own spelling. Names without Cyrillic letters give none."""
    if not _CYRILLIC.search(name):
        return []
    out: dict[str, None] = {}
    for table in _ROMANISATIONS:
        words = []
        for word in name.split():
            latin = "".join(table.get(c, c) for c in word.lower())
            words.append(latin.upper() if word.isupper() and len(word) > 1 else latin[:1].upper() + latin[1:])
        out.setdefault(" ".join(words))
    return list(out)


def reported_forms(name: str, kind: str) -> list[tuple[str, str]]:
    """(name, strength) of the other ways reports write a match name of ``kind``: its short
    forms, and a Russian name romanised (no stronger than the name itself)."""
    out = short_forms(name)
    for latin in map(match_name, romanised(name)):
        if latin and (found := strength(latin)) is not None:
            out.append((latin, STRONG if found == kind == STRONG else WEAK))
    return out


def fold_key(name: str) -> str:
    """A match name as two lists' entries of one company share it: case, accents, punctuation
    and traditional Chinese (read as simplified) folded."""
    return _fold(normalise(name))


def name_key(name: str) -> str:
    """:func:`fold_key` of a name as a list writes it (its legal form removed first)."""
    return fold_key(match_name(name))
